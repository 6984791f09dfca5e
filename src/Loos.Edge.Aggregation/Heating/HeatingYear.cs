namespace Loos.Edge.Aggregation.Heating;

/// <summary>
/// The local days of a heating year before a report date, as UTC boundaries: day d runs from
/// <c>DayStartTicks[d]</c> to <c>DayStartTicks[d + 1]</c>, 23, 24 or 25 hours long around the clock changes.
/// </summary>
public sealed class HeatingYear
{
    private readonly long[] dayStartTicks;

    private HeatingYear(DateOnly firstDay, long[] dayStartTicks)
    {
        FirstDay = firstDay;
        this.dayStartTicks = dayStartTicks;
    }

    /// <summary>The heating year's first day.</summary>
    public DateOnly FirstDay { get; }

    /// <summary>The days of the heating year before the report date: every day that counts for the fixed part.</summary>
    public int DaysElapsed => dayStartTicks.Length - 1;

    /// <summary>Day boundaries in UTC ticks, <see cref="DaysElapsed"/> + 1 of them.</summary>
    public ReadOnlySpan<long> DayStartTicks => dayStartTicks;

    /// <summary>
    /// The heating year that holds the day before <paramref name="asOf"/>, cut at <paramref name="asOf"/>: a report
    /// as of 1 July covers the whole year that just ended.
    /// </summary>
    public static HeatingYear Before(DateOnly asOf, HeatingParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var lastDay = asOf.AddDays(-1);
        var (month, day) = parameters.YearStart;
        var start = new DateOnly(lastDay.Year, month, day);
        if (start > lastDay)
        {
            start = start.AddYears(-1);
        }

        var days = asOf.DayNumber - start.DayNumber;
        var boundaries = new long[days + 1];
        for (var d = 0; d <= days; d++)
        {
            boundaries[d] = LocalMidnightUtcTicks(start.AddDays(d), parameters.TimeZone);
        }

        return new HeatingYear(start, boundaries);
    }

    /// <summary>The local day holding <paramref name="utcTicks"/>: −1 before the year, <see cref="DaysElapsed"/> from the report date on.</summary>
    public int DayOf(long utcTicks)
    {
        if (utcTicks < dayStartTicks[0])
        {
            return -1;
        }

        var index = Array.BinarySearch(dayStartTicks, utcTicks);
        return index >= 0 ? index : ~index - 1;
    }

    /// <summary>The local date of day <paramref name="day"/>.</summary>
    public DateOnly DateOf(int day) => FirstDay.AddDays(day);

    private static long LocalMidnightUtcTicks(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

        // Midnight may not exist where a zone changes its clocks at 00:00: the day then starts at the first valid instant.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone).Ticks;
    }
}
