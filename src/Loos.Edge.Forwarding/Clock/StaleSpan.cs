using Loos.Edge.Core;

namespace Loos.Edge.Forwarding.Clock;

/// <summary>
/// The span of times an unsynchronised clock gave, from when it was found unsynchronised to (a little past) its last
/// reading: a reading stamped within it took its time from that clock; one outside it carries a time of its own.
/// </summary>
/// <param name="FromTicks">The first stale time, UTC ticks.</param>
/// <param name="UntilTicks">The last stale time, UTC ticks.</param>
/// <param name="CorrectionTicks">What to add to a stale time to make it true, once known.</param>
/// <param name="UntilTimestamp">The monotonic timestamp after which a stale time is no longer expected (late stamps only).</param>
internal sealed record StaleSpan(long FromTicks, long UntilTicks, long CorrectionTicks, long UntilTimestamp)
{
    public bool Contains(in Reading reading) => reading.Timestamp.UtcTicks >= FromTicks && reading.Timestamp.UtcTicks <= UntilTicks;

    /// <summary>
    /// The readings stamped within the span, and the others; each side empty when none. Copied only when the readings
    /// are mixed: one source's append is nearly always all one or all the other.
    /// </summary>
    public (ReadOnlyMemory<Reading> Stamped, ReadOnlyMemory<Reading> Own) Partition(ReadOnlyMemory<Reading> readings)
    {
        var span = readings.Span;
        var stampedCount = 0;
        foreach (ref readonly var reading in span)
        {
            stampedCount += Contains(reading) ? 1 : 0;
        }

        if (stampedCount == 0 || stampedCount == span.Length)
        {
            return stampedCount == 0 ? (ReadOnlyMemory<Reading>.Empty, readings) : (readings, ReadOnlyMemory<Reading>.Empty);
        }

        var stamped = new Reading[stampedCount];
        var own = new Reading[span.Length - stampedCount];
        int s = 0, o = 0;
        foreach (ref readonly var reading in span)
        {
            if (Contains(reading))
            {
                stamped[s++] = reading;
            }
            else
            {
                own[o++] = reading;
            }
        }

        return (stamped, own);
    }

    /// <summary><paramref name="readings"/> with <see cref="CorrectionTicks"/> added to each stale time; the same memory when there is none.</summary>
    public ReadOnlyMemory<Reading> Correct(ReadOnlyMemory<Reading> readings)
    {
        Reading[]? corrected = null;
        var span = readings.Span;
        for (var i = 0; i < span.Length; i++)
        {
            if (Contains(span[i]))
            {
                corrected ??= span.ToArray();
                corrected[i] = span[i] with { Timestamp = span[i].Timestamp.AddTicks(CorrectionTicks) };
            }
        }

        return corrected ?? readings;
    }
}
