using Loos.Edge.Aggregation.Counters;
using Loos.Edge.Aggregation.Rollups;

namespace Loos.Edge.Aggregation.Tests.Rollups;

public sealed class RollupKernelTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    /// <summary>
    /// Random counters and gauges across both clock changes of 2025–2026, delivered out of order with duplicates and
    /// stale readings: every window equals a straightforward computation that groups readings by local calendar.
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
            new WindowCalendar(window, Paris));

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
            Assert.Equal(e.Increase, a.Increase, 9);
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

    private sealed record Sample(int Series, long Ticks, double Value);

    private static List<Sample> RandomReadings(Random random, int series)
    {
        var readings = new List<Sample>();
        var from = new DateTimeOffset(2025, 10, 24, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        var marchChange = new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        for (var s = 0; s < series; s++)
        {
            var isCounter = s % 2 == 0;
            var value = isCounter ? random.Next(1_000, 50_000) : 20.0;
            foreach (var start in new[] { from, marchChange })
            {
                var tick = start + random.Next(0, 600) * TimeSpan.TicksPerSecond;
                var end = start + TimeSpan.FromDays(4).Ticks;
                while (tick < end)
                {
                    value = isCounter
                        ? (random.Next(300) == 0 ? random.NextDouble() : value + Math.Round(random.NextDouble() * 3, 3))
                        : Math.Round(15 + (random.NextDouble() * 10), 2);
                    readings.Add(new Sample(s, tick, random.Next(100) == 0 ? double.NaN : value));
                    if (random.Next(50) == 0)
                    {
                        readings.Add(new Sample(s, tick, value)); // Delivered twice.
                    }

                    tick += random.Next(10, 20 * 60) * TimeSpan.TicksPerSecond;
                }
            }
        }

        return readings;
    }

    /// <summary>Group by series and local window, straight from the definitions: duplicates and stale readings dropped first.</summary>
    private static List<RollupResult> Reference(List<Sample> readings, RollupWindow window)
    {
        var results = new List<RollupResult>();
        foreach (var group in readings.Where(r => !double.IsNaN(r.Value)).GroupBy(r => r.Series).OrderBy(g => g.Key))
        {
            var ordered = group.OrderBy(r => r.Ticks).DistinctBy(r => r.Ticks).ToList();
            var increases = new double[ordered.Count];
            var baseline = ordered[0].Value;
            for (var i = 1; i < ordered.Count; i++)
            {
                increases[i] = CounterIncrease.Between(baseline, ordered[i].Value, CounterRules.Default, out baseline, out _);
            }

            foreach (var windowGroup in ordered.Select((r, i) => (Reading: r, Increase: increases[i])).GroupBy(x => WindowStart(x.Reading.Ticks, window)))
            {
                var items = windowGroup.ToList();
                results.Add(new RollupResult(
                    group.Key,
                    windowGroup.Key,
                    items.Count,
                    items.Min(x => x.Reading.Value),
                    items.Max(x => x.Reading.Value),
                    items.Sum(x => x.Reading.Value),
                    items[^1].Reading.Value,
                    items[^1].Reading.Ticks,
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
