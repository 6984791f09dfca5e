namespace Loos.Edge.Aggregation.Rollups;

/// <summary>The rollup window lengths.</summary>
public enum RollupWindow : byte
{
    /// <summary>One minute.</summary>
    Minute,

    /// <summary>15 minutes, at :00, :15, :30, :45.</summary>
    QuarterHour,

    /// <summary>One hour.</summary>
    Hour,

    /// <summary>One local day, midnight to midnight in the site's zone: 23, 24 or 25 hours.</summary>
    Day,
}

/// <summary>
/// The window holding an instant. Minutes, quarter-hours and hours are cut on UTC (the site's zone offsets are whole
/// hours, so they fall on the local ones too); days at local midnight, which a zone lookup finds once per day and series.
/// </summary>
public sealed class WindowCalendar
{
    private readonly long fixedTicks;

    /// <param name="window">The window length.</param>
    /// <param name="zone">The site's zone, for days.</param>
    public WindowCalendar(RollupWindow window, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        Window = window;
        Zone = zone;
        fixedTicks = window switch
        {
            RollupWindow.Minute => TimeSpan.TicksPerMinute,
            RollupWindow.QuarterHour => 15 * TimeSpan.TicksPerMinute,
            RollupWindow.Hour => TimeSpan.TicksPerHour,
            _ => 0,
        };
    }

    public RollupWindow Window { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The window holding <paramref name="utcTicks"/>: its start (inclusive) and end (exclusive), UTC ticks.</summary>
    public void WindowOf(long utcTicks, out long startTicks, out long endTicks)
    {
        if (fixedTicks > 0)
        {
            startTicks = utcTicks - (utcTicks % fixedTicks);
            endTicks = startTicks + fixedTicks;
            return;
        }

        var local = TimeZoneInfo.ConvertTimeFromUtc(new DateTime(utcTicks, DateTimeKind.Utc), Zone);
        startTicks = LocalMidnightUtcTicks(DateOnly.FromDateTime(local));
        endTicks = LocalMidnightUtcTicks(DateOnly.FromDateTime(local).AddDays(1));
    }

    private long LocalMidnightUtcTicks(DateOnly date)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(midnight))
        {
            midnight = midnight.AddMinutes(30);
        }

        return TimeZoneInfo.ConvertTimeToUtc(midnight, Zone).Ticks;
    }
}
