namespace Loos.Edge.Lighting.Sun;

/// <summary>The moments of a day that the sun's altitude defines, in the order they happen.</summary>
public enum SunEvent
{
    /// <summary>The sun's centre rises through 18° below the horizon: the end of astronomical night.</summary>
    AstronomicalDawn,

    /// <summary>The sun's centre rises through 12° below the horizon.</summary>
    NauticalDawn,

    /// <summary>The sun's centre rises through 6° below the horizon.</summary>
    CivilDawn,

    /// <summary>The sun's upper limb appears: its centre at 0.833° below the horizon (zenith 90.833°, refraction and the sun's radius).</summary>
    Sunrise,

    /// <summary>The sun crosses the meridian.</summary>
    SolarNoon,

    /// <summary>The sun's upper limb disappears: its centre at 0.833° below the horizon.</summary>
    Sunset,

    /// <summary>The sun's centre sinks through 6° below the horizon.</summary>
    CivilDusk,

    /// <summary>The sun's centre sinks through 12° below the horizon.</summary>
    NauticalDusk,

    /// <summary>The sun's centre sinks through 18° below the horizon: astronomical night begins.</summary>
    AstronomicalDusk,
}

/// <summary>What each <see cref="SunEvent"/> means in sun altitude, and its names.</summary>
public static class SunEvents
{
    /// <summary>Every event, in the order of the day.</summary>
    public static IReadOnlyList<SunEvent> All { get; } =
    [
        SunEvent.AstronomicalDawn, SunEvent.NauticalDawn, SunEvent.CivilDawn, SunEvent.Sunrise, SunEvent.SolarNoon,
        SunEvent.Sunset, SunEvent.CivilDusk, SunEvent.NauticalDusk, SunEvent.AstronomicalDusk,
    ];

    /// <summary>The altitude of the sun's centre at the event, in degrees (negative below the horizon); null for solar noon, which is a transit, not an altitude.</summary>
    public static double? AltitudeDegrees(this SunEvent sunEvent) => sunEvent switch
    {
        SunEvent.AstronomicalDawn or SunEvent.AstronomicalDusk => -18,
        SunEvent.NauticalDawn or SunEvent.NauticalDusk => -12,
        SunEvent.CivilDawn or SunEvent.CivilDusk => -6,
        SunEvent.Sunrise or SunEvent.Sunset => -0.833,
        SunEvent.SolarNoon => null,
        _ => throw new ArgumentOutOfRangeException(nameof(sunEvent), sunEvent, "not a sun event"),
    };

    /// <summary>Whether the event happens before solar noon (the sun rising).</summary>
    public static bool IsMorning(this SunEvent sunEvent) => sunEvent < SunEvent.SolarNoon;

    /// <summary>The event's name in JSON and in the site file: <c>civilDusk</c>.</summary>
    public static string JsonName(this SunEvent sunEvent) => sunEvent switch
    {
        SunEvent.AstronomicalDawn => "astronomicalDawn",
        SunEvent.NauticalDawn => "nauticalDawn",
        SunEvent.CivilDawn => "civilDawn",
        SunEvent.Sunrise => "sunrise",
        SunEvent.SolarNoon => "solarNoon",
        SunEvent.Sunset => "sunset",
        SunEvent.CivilDusk => "civilDusk",
        SunEvent.NauticalDusk => "nauticalDusk",
        SunEvent.AstronomicalDusk => "astronomicalDusk",
        _ => throw new ArgumentOutOfRangeException(nameof(sunEvent), sunEvent, "not a sun event"),
    };

    /// <summary>The event's name for people: <c>civil dusk</c>.</summary>
    public static string DisplayName(this SunEvent sunEvent) => sunEvent switch
    {
        SunEvent.AstronomicalDawn => "astronomical dawn",
        SunEvent.NauticalDawn => "nautical dawn",
        SunEvent.CivilDawn => "civil dawn",
        SunEvent.Sunrise => "sunrise",
        SunEvent.SolarNoon => "solar noon",
        SunEvent.Sunset => "sunset",
        SunEvent.CivilDusk => "civil dusk",
        SunEvent.NauticalDusk => "nautical dusk",
        SunEvent.AstronomicalDusk => "astronomical dusk",
        _ => throw new ArgumentOutOfRangeException(nameof(sunEvent), sunEvent, "not a sun event"),
    };
}
