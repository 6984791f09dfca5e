using System.Runtime.CompilerServices;

namespace Loos.Edge.Core;

/// <summary>
/// Gives readings that carry no time of their own (an MQTT status, a line-protocol line without a timestamp) the time
/// they were received, kept strictly increasing per series: InfluxDB keeps one point per series and time, so a burst
/// received within one tick of the clock (a broker's queue after a restart) or after the clock went back would
/// otherwise overwrite itself. A stamp that would not be later than the series' previous one becomes that one plus
/// one tick (100 ns).
/// </summary>
/// <remarks>
/// Memory is one <see cref="long"/> per series of the catalogue (ids are dense), so it is bounded by the catalogue
/// itself; stamping allocates nothing once the series are known. Safe for concurrent use.
/// </remarks>
public sealed class ReceiveTimeStamper
{
    private static readonly ConditionalWeakTable<ISeriesCatalog, ReceiveTimeStamper> Shared = new();

    private readonly Lock gate = new();

    // The last stamp per series id, in UTC ticks; 0 (DateTimeOffset.MinValue) for none yet.
    private long[] lastTicks = new long[64];

    /// <summary>
    /// The placeholder timestamp of a reading still to be stamped: one tick after <see cref="DateTimeOffset.MinValue"/>,
    /// an instant no line-protocol timestamp can express (nanoseconds reach only 1677–2262, coarser precisions land
    /// on whole microseconds) and no receive time is.
    /// </summary>
    public static DateTimeOffset Unstamped { get; } = DateTimeOffset.MinValue.AddTicks(1);

    /// <summary>The stamper of the series of <paramref name="catalog"/>, one per catalogue and process, so that every source writing a series keeps its times apart.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is null.</exception>
    public static ReceiveTimeStamper For(ISeriesCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Shared.GetValue(catalog, static _ => new ReceiveTimeStamper());
    }

    /// <summary>
    /// Replaces the <see cref="Unstamped"/> timestamps in <paramref name="readings"/> (those of one message or one
    /// line, say) with <paramref name="receivedAt"/>, or with the first instant after the previous stamp of any of
    /// their series when that is not earlier; readings of distinct series get one common time, so the fields of a
    /// message stay one point. A series that occurs again in <paramref name="readings"/> gets a later time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Stamp(Span<Reading> readings, DateTimeOffset receivedAt)
    {
        var unstampedTicks = Unstamped.UtcTicks;
        var ticks = receivedAt.UtcTicks;
        lock (gate)
        {
            var any = false;
            foreach (ref readonly var reading in readings)
            {
                if (reading.Timestamp.UtcTicks == unstampedTicks)
                {
                    any = true;
                    var id = reading.Series.Value;
                    if ((uint)id < (uint)lastTicks.Length && lastTicks[id] >= ticks)
                    {
                        ticks = lastTicks[id] + 1;
                    }
                }
            }

            if (!any)
            {
                return;
            }

            foreach (ref var reading in readings)
            {
                if (reading.Timestamp.UtcTicks != unstampedTicks)
                {
                    continue;
                }

                var id = reading.Series.Value;
                if (id >= lastTicks.Length)
                {
                    Array.Resize(ref lastTicks, Math.Max(lastTicks.Length * 2, id + 1));
                }

                if (lastTicks[id] >= ticks)
                {
                    ticks = lastTicks[id] + 1;
                }

                lastTicks[id] = ticks;
                reading = reading with { Timestamp = new DateTimeOffset(ticks, TimeSpan.Zero) };
            }
        }
    }
}
