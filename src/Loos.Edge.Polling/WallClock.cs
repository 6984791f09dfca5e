namespace Loos.Edge.Polling;

/// <summary>
/// Wall-clock alignment: a poll interval's ticks are the multiples of the interval since the Unix epoch (UTC), so a
/// 15 min point is read at :00, :15, :30 and :45, and an interval that does not divide a day (7 min) still falls on
/// the same instants on every gateway.
/// </summary>
public static class WallClock
{
    /// <summary>The latest tick of <paramref name="interval"/> at or before <paramref name="instant"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public static DateTimeOffset Floor(DateTimeOffset instant, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var sinceEpoch = instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var remainder = sinceEpoch % interval.Ticks;
        if (remainder < 0)
        {
            remainder += interval.Ticks;
        }

        return new DateTimeOffset(instant.UtcTicks - remainder, TimeSpan.Zero);
    }

    /// <summary>The earliest tick of <paramref name="interval"/> at or after <paramref name="instant"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public static DateTimeOffset Ceiling(DateTimeOffset instant, TimeSpan interval)
    {
        var floor = Floor(instant, interval);
        return floor.UtcTicks == instant.UtcTicks ? floor : floor + interval;
    }
}
