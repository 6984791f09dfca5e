namespace Loos.Edge.Lighting.Sun;

/// <summary>
/// The sun events of one calendar date at one place, as UTC instants to the second; an event the sun does not reach
/// that day (no astronomical night in June at 50° N, polar day or night) is null.
/// </summary>
/// <param name="Date">The calendar date at the place: the events of the solar day around that date's solar noon.</param>
/// <param name="AstronomicalDawn">The sun rising through −18°.</param>
/// <param name="NauticalDawn">The sun rising through −12°.</param>
/// <param name="CivilDawn">The sun rising through −6°.</param>
/// <param name="Sunrise">The sun rising through −0.833° (zenith 90.833°).</param>
/// <param name="SolarNoon">The sun crossing the meridian.</param>
/// <param name="Sunset">The sun sinking through −0.833°.</param>
/// <param name="CivilDusk">The sun sinking through −6°.</param>
/// <param name="NauticalDusk">The sun sinking through −12°.</param>
/// <param name="AstronomicalDusk">The sun sinking through −18°.</param>
public readonly record struct SunTimes(
    DateOnly Date,
    DateTimeOffset? AstronomicalDawn,
    DateTimeOffset? NauticalDawn,
    DateTimeOffset? CivilDawn,
    DateTimeOffset? Sunrise,
    DateTimeOffset? SolarNoon,
    DateTimeOffset? Sunset,
    DateTimeOffset? CivilDusk,
    DateTimeOffset? NauticalDusk,
    DateTimeOffset? AstronomicalDusk)
{
    /// <summary>The altitude of the sun's centre at solar noon, degrees: an absent event whose altitude is above it is one the sun never climbs to that day.</summary>
    public double NoonAltitudeDegrees { get; init; }

    /// <summary>The altitude of the sun's centre at the solar midnight of that day, degrees: an absent event whose altitude is below it is one the sun never sinks to.</summary>
    public double MidnightAltitudeDegrees { get; init; }

    /// <summary>The instant of one event, or null when the sun does not reach that altitude that day.</summary>
    public DateTimeOffset? this[SunEvent sunEvent] => sunEvent switch
    {
        SunEvent.AstronomicalDawn => AstronomicalDawn,
        SunEvent.NauticalDawn => NauticalDawn,
        SunEvent.CivilDawn => CivilDawn,
        SunEvent.Sunrise => Sunrise,
        SunEvent.SolarNoon => SolarNoon,
        SunEvent.Sunset => Sunset,
        SunEvent.CivilDusk => CivilDusk,
        SunEvent.NauticalDusk => NauticalDusk,
        SunEvent.AstronomicalDusk => AstronomicalDusk,
        _ => throw new ArgumentOutOfRangeException(nameof(sunEvent), sunEvent, "not a sun event"),
    };

    /// <summary>The time from sunrise to sunset; a whole day when the sun does not set, zero when it does not rise.</summary>
    public TimeSpan DayLength => Sunrise is { } rise && Sunset is { } set ? set - rise
        : NoonAltitudeDegrees > SunEvent.Sunrise.AltitudeDegrees() ? TimeSpan.FromDays(1)
        : TimeSpan.Zero;

    /// <summary>Whether the sun stays above the event's altitude all day (for example no astronomical dusk in a northern June), rather than never climbing to it.</summary>
    public bool StaysAbove(SunEvent sunEvent) => MidnightAltitudeDegrees > (sunEvent.AltitudeDegrees() ?? double.NegativeInfinity);
}
