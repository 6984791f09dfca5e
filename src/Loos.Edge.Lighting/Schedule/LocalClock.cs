namespace Loos.Edge.Lighting.Schedule;

/// <summary>
/// Local clock times of the site's zone as instants, and the lighting night an instant belongs to. A night runs from
/// local noon to the next local noon and carries the date of its evening, so it lasts 23 h when the clocks go forward
/// in the small hours and 25 h when they go back.
/// </summary>
internal static class LocalClock
{
    public static readonly TimeOnly Noon = new(12, 0);

    /// <summary>
    /// The instant of local <paramref name="time"/> on <paramref name="date"/>. A time the clocks skip (02:30 when they
    /// go forward) is the instant just after the gap, when they read the end of it (03:00); a time they show twice
    /// (02:30 when they go back) is its first occurrence, still in summer time.
    /// </summary>
    public static DateTimeOffset ToInstant(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // Zones move their clocks by whole minutes: the first minute that exists is the end of the gap.
            do
            {
                local = local.AddMinutes(1);
            }
            while (zone.IsInvalidTime(local));

            local = local.AddTicks(-(local.Ticks % TimeSpan.TicksPerMinute));
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local - offset, TimeSpan.Zero);
    }

    /// <summary>A step's clock time in the night of <paramref name="night"/>: 12:00–23:59 that evening, 00:00–11:59 the next morning.</summary>
    public static DateTimeOffset InNight(DateOnly night, TimeOnly time, TimeZoneInfo zone) =>
        ToInstant(time >= Noon ? night : night.AddDays(1), time, zone);

    /// <summary>When the night of <paramref name="night"/> starts (its local noon).</summary>
    public static DateTimeOffset NightStart(DateOnly night, TimeZoneInfo zone) => ToInstant(night, Noon, zone);

    /// <summary>The night that <paramref name="instant"/> falls in: the local date, or the day before it in the morning.</summary>
    public static DateOnly NightOf(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var date = DateOnly.FromDateTime(local.DateTime);
        return local.Hour >= Noon.Hour ? date : date.AddDays(-1);
    }

    /// <summary>The instant in the site's local time, for display.</summary>
    public static DateTimeOffset ToLocal(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone);
}
