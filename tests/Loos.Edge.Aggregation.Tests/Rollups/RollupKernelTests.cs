using Loos.Edge.Aggregation.Counters;
using Loos.Edge.Aggregation.Rollups;

namespace Loos.Edge.Aggregation.Tests.Rollups;

public sealed class RollupKernelTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    /// <summary>
    /// Random counters and gauges across both clock changes of 2025–2026, delivered out of order with duplicates and
    /// stale readings, the counters with resets, replacements, rollovers and jitter: every window equals a
    /// straightforward computation that groups readings by local calendar, and its increase is the consumption the
    /// generator itself put between the readings, never recomputed from the readings by the gateway's rules.
    /// </summary>
    [Theory]
    [InlineData(RollupWindow.Minute, 1)]
    [InlineData(RollupWindow.QuarterHour, 2)]
    [InlineData(RollupWindow.Hour, 3)]
    [InlineData(RollupWindow.Day, 4)]
    [InlineData(RollupWindow.Day, 5)]
    public void BatchRollup_RandomReadingsAcrossClockChanges_EqualsReferenceComputation(RollupWindow window, int seed)
    {
        var random = new Random(seed);
        var readings = RandomReadings(random, series: 40);
        var shuffled = readings.OrderBy(_ => random.Next()).ToList();

        var results = BatchRollup.Compute(
            shuffled.Select(r => r.Series).ToArray(),
            shuffled.Select(r => r.Ticks).ToArray(),
            shuffled.Select(r => r.Value).ToArray(),
            new WindowCalendar(window, Paris),
            RulesOf);

        var expected = Reference(readings, window);
        Assert.Equal(expected.Count, results.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], results[i]);
            Assert.Equal((e.Series, e.WindowStartTicks, e.Count, e.LastTicks), (a.Series, a.WindowStartTicks, a.Count, a.LastTicks));
            Assert.Equal(e.Min, a.Min);
            Assert.Equal(e.Max, a.Max);
            Assert.Equal(e.Sum, a.Sum, 9);
            Assert.Equal(e.Last, a.Last);
            // The generator adds in thousandths, the gateway subtracts readings: the same consumption, rounded differently.
            Assert.True(Math.Abs(e.Increase - a.Increase) < 1e-6, $"series {e.Series}, window {new DateTime(e.WindowStartTicks, DateTimeKind.Utc):O}: increase {a.Increase}, expected {e.Increase}");
        }
    }

    [Fact]
    public void Day_AutumnClockChange_Has25HoursOfReadings()
    {
        // A reading every 15 minutes, 24–27 October 2025 (97 local hours): the local day of the 26th holds 100 of them.
        var start = TimeZoneInfo.ConvertTimeToUtc(new DateTime(2025, 10, 24), Paris).Ticks;
        var ticks = Enumerable.Range(0, 97 * 4).Select(q => start + (q * TimeSpan.TicksPerMinute * 15)).ToArray();

        var results = BatchRollup.Compute(new int[ticks.Length], ticks, ticks.Select(t => 1.0).ToArray(), new WindowCalendar(RollupWindow.Day, Paris));

        Assert.Equal([96, 96, 100, 96], results.Select(r => r.Count));
        Assert.Equal(new DateTime(2025, 10, 25, 22, 0, 0, DateTimeKind.Utc).Ticks, results[2].WindowStartTicks); // Local midnight at +02:00.
    }

    [Fact]
    public void Kernel_OlderReading_IsHandedBackAsLate_NotAdded()
    {
        var kernel = new RollupKernel(1, new WindowCalendar(RollupWindow.Hour, Paris));
        var sink = new RecordingSink();

        kernel.Add([0, 0, 0], [TimeSpan.TicksPerHour * 10, TimeSpan.TicksPerHour * 11, TimeSpan.TicksPerHour * 10 + 1], [1.0, 2.0, 3.0], ref sink);
        kernel.Flush(ref sink);

        Assert.Equal([(0, TimeSpan.TicksPerHour * 10 + 1)], sink.Late);
        Assert.Equal([1, 1], sink.Closed.Select(r => r.Count));
    }

    /// <summary>A reading and the consumption it shows since the reading before it, as the generator made it.</summary>
    private sealed record Sample(int Series, long Ticks, double Value, double Increase);

    private enum SeriesKind
    {
        Gauge,
        Counter,
        WrappingCounter,
    }

    // Wraps at 60,000 like a 5-digit display with a tenth; a re-read up to 0.5 below the last value is jitter.
    private const double WrapsAt = 60_000;
    private const double Jitter = 0.5;

    private static readonly CounterRules WrappingRules = new() { WrapsAt = WrapsAt, JitterTolerance = Jitter };

    private static SeriesKind KindOf(int series) => (series % 4) switch
    {
        0 => SeriesKind.Counter,
        2 => SeriesKind.WrappingCounter,
        _ => SeriesKind.Gauge,
    };

    private static CounterRules RulesOf(int series) => KindOf(series) == SeriesKind.WrappingCounter ? WrappingRules : CounterRules.Default;

    /// <summary>
    /// Readings with the consumption each one shows, from the documented counter rules (CounterRules, README): a rise is
    /// consumption; a drop within the jitter tolerance is none, and the next reading counts from the last value; a drop
    /// from the top tenth of a wrapping counter to its bottom tenth is a rollover (what the meter counted through the
    /// wrap); a drop to at most 0.5 % of the last value is a reset (the new value is consumption, what went before it
    /// is lost); any other drop is a replacement meter (nothing counted, its value the new baseline). A reading lost
    /// (NaN) shows nothing: the next one shows what the meter counted meanwhile.
    /// </summary>
    private static List<Sample> RandomReadings(Random random, int series)
    {
        var readings = new List<Sample>();
        var from = new DateTimeOffset(2025, 10, 24, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        var marchChange = new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        for (var s = 0; s < series; s++)
        {
            var kind = KindOf(s);

            // Counters in thousandths, so that what the meter counted is exact. The wrapping ones start near the wrap.
            long meter = kind == SeriesKind.WrappingCounter ? random.Next(59_000_000, 59_990_000) : random.Next(1_000_000, 50_000_000);
            long shown = 0; // What the meter counted since the last reading that showed consumption, thousandths.
            double? baseline = null; // The value the next reading is compared with, as the rules keep it.
            foreach (var start in new[] { from, marchChange })
            {
                var tick = start + random.Next(0, 600) * TimeSpan.TicksPerSecond;
                var end = start + TimeSpan.FromDays(4).Ticks;
                while (tick < end)
                {
                    var lost = random.Next(100) == 0;
                    double value;
                    double increase;
                    if (kind == SeriesKind.Gauge)
                    {
                        value = Math.Round(15 + (random.NextDouble() * 10), 2);
                        // A gauge read as a counter: a rise counts, a drop is a replacement (no reset: it never nears 0).
                        increase = baseline is { } last && value > last ? value - last : 0;
                        baseline = lost ? baseline : value;
                    }
                    else
                    {
                        var counted = random.Next(0, 3001);
                        meter += counted;
                        shown += counted;
                        var lastValue = baseline ?? 0;
                        var roll = lost || baseline is null ? -1 : random.Next(400);
                        if (lost)
                        {
                            value = double.NaN;
                            increase = 0;
                        }
                        else if (roll == 0 && lastValue > 200 && (kind == SeriesKind.Counter || lastValue < WrapsAt * 0.9))
                        {
                            // Reset: the meter restarts from 0 and counts a little; what it counted before the reset is lost.
                            meter = random.Next(0, 1000);
                            value = meter / 1000.0;
                            increase = value;
                            shown = 0;
                            baseline = value;
                        }
                        else if (roll == 1 && lastValue > 200 && (kind == SeriesKind.Counter || lastValue * 0.6 >= WrapsAt * 0.1))
                        {
                            // Replacement: a meter starting from its own value, 10–60 % of the old one (not in the bottom
                            // tenth of a wrapping one, which would read as a rollover); nothing is counted.
                            meter = (long)(lastValue * 1000 * (0.1 + (random.NextDouble() * 0.5)));
                            meter = kind == SeriesKind.WrappingCounter ? Math.Max(meter, (long)(WrapsAt * 100)) : meter;
                            value = meter / 1000.0;
                            increase = 0;
                            shown = 0;
                            baseline = value;
                        }
                        else if (kind == SeriesKind.WrappingCounter && roll is >= 2 and < 20 && lastValue > Jitter)
                        {
                            // Jitter: a re-read a little below the last value; what was counted shows at the next reading.
                            value = lastValue - (random.Next(1, 501) / 1000.0);
                            increase = 0;
                        }
                        else
                        {
                            value = kind == SeriesKind.WrappingCounter ? (meter % (long)(WrapsAt * 1000)) / 1000.0 : meter / 1000.0;
                            increase = baseline is null ? 0 : shown / 1000.0;
                            shown = 0;
                            baseline = value;
                        }
                    }

                    var sample = new Sample(s, tick, lost ? double.NaN : value, lost ? 0 : increase);
                    readings.Add(sample);
                    if (random.Next(50) == 0)
                    {
                        readings.Add(sample); // Delivered twice.
                    }

                    tick += random.Next(10, 20 * 60) * TimeSpan.TicksPerSecond;
                }
            }
        }

        return readings;
    }

    /// <summary>Group by series and local window, straight from the definitions: duplicates and lost readings dropped first.</summary>
    private static List<RollupResult> Reference(List<Sample> readings, RollupWindow window)
    {
        var results = new List<RollupResult>();
        foreach (var group in readings.Where(r => !double.IsNaN(r.Value)).GroupBy(r => r.Series).OrderBy(g => g.Key))
        {
            var ordered = group.OrderBy(r => r.Ticks).DistinctBy(r => r.Ticks).ToList();
            foreach (var windowGroup in ordered.GroupBy(r => WindowStart(r.Ticks, window)))
            {
                var items = windowGroup.ToList();
                results.Add(new RollupResult(
                    group.Key,
                    windowGroup.Key,
                    items.Count,
                    items.Min(x => x.Value),
                    items.Max(x => x.Value),
                    items.Sum(x => x.Value),
                    items[^1].Value,
                    items[^1].Ticks,
                    items.Sum(x => x.Increase)));
            }
        }

        return results;
    }

    private static long WindowStart(long ticks, RollupWindow window)
    {
        var utc = new DateTime(ticks, DateTimeKind.Utc);
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, Paris);
        var localStart = window switch
        {
            RollupWindow.Minute => new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0),
            RollupWindow.QuarterHour => new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute / 15 * 15, 0),
            RollupWindow.Hour => new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0),
            _ => local.Date,
        };

        // In the repeated autumn hour a local start is ambiguous: the window is the one the reading itself is in.
        var offset = Paris.GetUtcOffset(utc);
        return window == RollupWindow.Day
            ? TimeZoneInfo.ConvertTimeToUtc(localStart, Paris).Ticks
            : localStart.Ticks - offset.Ticks;
    }

    private sealed class RecordingSink : IRollupSink
    {
        public List<RollupResult> Closed { get; } = [];

        public List<(int Series, long Ticks)> Late { get; } = [];

        void IRollupSink.Closed(in RollupResult result) => Closed.Add(result);

        void IRollupSink.Late(int series, long utcTicks, double value) => Late.Add((series, utcTicks));
    }
}
