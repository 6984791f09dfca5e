using Loos.Edge.Aggregation.Counters;
using Loos.Edge.Aggregation.Rollups;

namespace Loos.Edge.Aggregation.Tests.Rollups;

public sealed class RollupEngineTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly RollupWindow[] AllWindows = [RollupWindow.Minute, RollupWindow.QuarterHour, RollupWindow.Hour, RollupWindow.Day];

    /// <summary>
    /// A stream across the autumn clock change where some readings arrive up to 3 hours late, in batches, with
    /// windows closed by the clock as time passes: once every window's last report is taken, they equal the rollup
    /// of all the readings computed at once.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Stream_LateAndOutOfOrderReadings_LastReportOfEachWindowEqualsTheBatchRollup(int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2025, 10, 25, 12, 0, 0, TimeSpan.Zero).UtcTicks;
        var readings = new List<(int Series, long Ticks, double Value, long ArrivesAt)>();
        for (var s = 0; s < 12; s++)
        {
            var value = random.Next(1_000, 5_000) + 0.0;
            for (var tick = start + (random.Next(60) * TimeSpan.TicksPerSecond); tick < start + TimeSpan.FromDays(2).Ticks; tick += random.Next(20, 400) * TimeSpan.TicksPerSecond)
            {
                value = random.Next(500) == 0 ? random.NextDouble() : value + Math.Round(random.NextDouble(), 3);
                var delay = random.Next(15) == 0 ? random.Next(1, 3 * 3600) * TimeSpan.TicksPerSecond : 0;
                readings.Add((s, tick, value, tick + delay));
            }
        }

        var engine = new RollupEngine(AllWindows, Paris, TimeSpan.FromDays(2));
        var reported = new Dictionary<(RollupWindow, int, long), RollupResult>();
        var output = new List<RollupOutput>();
        var arrival = readings.OrderBy(r => r.ArrivesAt).ToList();
        for (var i = 0; i < arrival.Count; i += 50)
        {
            var batch = arrival.Skip(i).Take(50).ToList();
            engine.Add([.. batch.Select(r => r.Series)], [.. batch.Select(r => r.Ticks)], [.. batch.Select(r => r.Value)], output);
            engine.CloseEndedBy(batch[^1].ArrivesAt - TimeSpan.TicksPerMinute, output);
            Take(output, reported);
        }

        engine.CloseEndedBy(long.MaxValue / 2, output);
        Take(output, reported);

        Assert.Equal(0, engine.TooLate);
        foreach (var window in AllWindows)
        {
            var expected = BatchRollup.Compute([.. readings.Select(r => r.Series)], [.. readings.Select(r => r.Ticks)], [.. readings.Select(r => r.Value)], new WindowCalendar(window, Paris));
            var actual = reported.Where(r => r.Key.Item1 == window).Select(r => r.Value).OrderBy(r => r.Series).ThenBy(r => r.WindowStartTicks).ToList();
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal((expected[i].Series, expected[i].WindowStartTicks, expected[i].Count, expected[i].LastTicks), (actual[i].Series, actual[i].WindowStartTicks, actual[i].Count, actual[i].LastTicks));
                Assert.Equal(expected[i].Min, actual[i].Min);
                Assert.Equal(expected[i].Max, actual[i].Max);
                Assert.Equal(expected[i].Sum, actual[i].Sum, 6);
                Assert.Equal(expected[i].Increase, actual[i].Increase, 6);
            }
        }
    }

    /// <summary>
    /// One meter's source is down for three days while another keeps reporting; then its readings of those days arrive
    /// all at once, after newer ones: the windows they fall in, and the one they split a counter interval with, are
    /// recomputed, and every window ends as the batch rollup of all the readings.
    /// </summary>
    [Fact]
    public void Stream_BackfillAfterAThreeDayOutage_RecomputesTheWindowsItTouches()
    {
        var start = new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        var step = TimeSpan.FromMinutes(5).Ticks;
        var outageFrom = start + TimeSpan.FromDays(1).Ticks;
        var outageTo = outageFrom + TimeSpan.FromDays(3).Ticks;
        var readings = new List<(int Series, long Ticks, double Value)>();
        for (var tick = start; tick < outageTo + TimeSpan.FromDays(1).Ticks; tick += step)
        {
            readings.Add((0, tick, 100 + ((tick - start) / step * 0.25)));
            readings.Add((1, tick + 7, 20 + ((tick - start) / step % 7)));
        }

        var live = readings.Where(r => !(r.Series == 0 && r.Ticks >= outageFrom && r.Ticks < outageTo)).ToList();
        var backfill = readings.Except(live).ToList();
        var engine = new RollupEngine(AllWindows, Paris, TimeSpan.FromDays(7));
        var reported = new Dictionary<(RollupWindow, int, long), RollupResult>();
        var output = new List<RollupOutput>();
        foreach (var chunk in live.Chunk(100))
        {
            engine.Add([.. chunk.Select(r => r.Series)], [.. chunk.Select(r => r.Ticks)], [.. chunk.Select(r => r.Value)], output);
            engine.CloseEndedBy(chunk[^1].Ticks - TimeSpan.TicksPerMinute, output);
            Take(output, reported);
        }

        engine.Add([.. backfill.Select(r => r.Series)], [.. backfill.Select(r => r.Ticks)], [.. backfill.Select(r => r.Value)], output);
        engine.CloseEndedBy(long.MaxValue / 2, output);
        Take(output, reported);

        Assert.Equal(0, engine.TooLate);
        foreach (var window in AllWindows)
        {
            var expected = BatchRollup.Compute([.. readings.Select(r => r.Series)], [.. readings.Select(r => r.Ticks)], [.. readings.Select(r => r.Value)], new WindowCalendar(window, Paris));
            var actual = reported.Where(r => r.Key.Item1 == window).Select(r => r.Value).OrderBy(r => r.Series).ThenBy(r => r.WindowStartTicks).ToList();
            Assert.Equal(expected.Select(e => (e.Series, e.WindowStartTicks, e.Count, e.Min, e.Max, e.Last)), actual.Select(a => (a.Series, a.WindowStartTicks, a.Count, a.Min, a.Max, a.Last)));
            Assert.Equal(expected.Select(e => Math.Round(e.Increase, 6)), actual.Select(a => Math.Round(a.Increase, 6)));
        }
    }

    /// <summary>
    /// A stream across the spring clock change stopped in the middle of a day and resumed by a new engine from the
    /// readings the first one copied: every window, the open day included, is reported as by an engine that never
    /// stopped; none is reported twice, and a late reading for a window closed before the stop counts as too late.
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Resume_FromTheReadingsOfTheOpenWindows_ReportsEveryWindowAsAnUninterruptedStream(int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 3, 28, 6, 0, 0, TimeSpan.Zero).UtcTicks;
        var readings = new List<(int Series, long Ticks, double Value)>();
        for (var s = 0; s < 6; s++)
        {
            var value = random.Next(1_000, 5_000) + 0.0;
            for (var tick = start + (random.Next(60) * TimeSpan.TicksPerSecond); tick < start + TimeSpan.FromDays(2).Ticks; tick += random.Next(20, 900) * TimeSpan.TicksPerSecond)
            {
                value += Math.Round(random.NextDouble(), 3);
                readings.Add((s, tick, value));
            }
        }

        readings.Sort((a, b) => a.Ticks.CompareTo(b.Ticks));
        var stopAt = start + TimeSpan.FromHours(23.5).Ticks; // 06:30 local on the day of the change
        var grace = TimeSpan.TicksPerMinute;
        var uninterrupted = Run(new RollupEngine(AllWindows, Paris, TimeSpan.FromDays(7)), readings);

        var first = new RollupEngine(AllWindows, Paris, TimeSpan.FromDays(7));
        var beforeStop = Run(first, readings.Where(r => r.Ticks < stopAt).ToList(), closeAtEnd: false);
        var since = first.OpenSinceTicks;
        var series = new List<int>();
        var ticks = new List<long>();
        var values = new List<double>();
        foreach (var s in first.Series)
        {
            var from = ticks.Count;
            first.CopyReadings(s, since, ticks, values);
            series.AddRange(Enumerable.Repeat(s, ticks.Count - from));
        }

        var resumed = new RollupEngine(AllWindows, Paris, TimeSpan.FromDays(7));
        resumed.Resume(first.ClosedUpToTicks, [.. series], [.. ticks], [.. values]);
        Assert.Equal(since, resumed.OpenSinceTicks);
        var output = new List<RollupOutput>();
        resumed.Add([0], [since - TimeSpan.TicksPerHour], [1.0], output);
        Assert.Equal(1, resumed.TooLate);
        Assert.Empty(output);
        var afterStop = Run(resumed, readings.Where(r => r.Ticks >= stopAt).ToList());

        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero).UtcTicks, since); // local midnight, UTC+1
        Assert.Empty(beforeStop.Keys.Intersect(afterStop.Keys));
        var both = beforeStop.Concat(afterStop).ToDictionary();
        Assert.Equal(uninterrupted.Keys.Order(), both.Keys.Order());
        foreach (var (key, expected) in uninterrupted)
        {
            var actual = both[key];
            Assert.Equal((expected.Count, expected.Min, expected.Max, expected.Last, expected.LastTicks), (actual.Count, actual.Min, actual.Max, actual.Last, actual.LastTicks));
            Assert.Equal(expected.Sum, actual.Sum, 6);
            Assert.Equal(expected.Increase, actual.Increase, 6);
        }

        // Readings arrive in batches as time passes; windows close 1 minute after their end.
        Dictionary<(RollupWindow, int, long), RollupResult> Run(RollupEngine engine, List<(int Series, long Ticks, double Value)> stream, bool closeAtEnd = true)
        {
            var reported = new Dictionary<(RollupWindow, int, long), RollupResult>();
            var output = new List<RollupOutput>();
            foreach (var chunk in stream.Chunk(40))
            {
                engine.Add([.. chunk.Select(r => r.Series)], [.. chunk.Select(r => r.Ticks)], [.. chunk.Select(r => r.Value)], output);
                engine.CloseEndedBy(chunk[^1].Ticks - grace, output);
                Take(output, reported);
            }

            engine.CloseEndedBy(closeAtEnd ? long.MaxValue / 2 : stopAt - grace, output);
            Take(output, reported);
            return reported;
        }
    }

    /// <summary>
    /// Home 12's heat meter (Wh), read every 6 hours, is replaced at 10:00 UTC: the old one last read 1,100,000 at
    /// 06:00 and was removed at 1,110,000; the new one was installed at 5,000 and read 20,000 at 12:00. Declared, the day
    /// counts the old meter's tail and the new meter's start (145,000 Wh), whether the 12:00 reading comes in order or
    /// late; a series without the declaration detects a replacement and counts that interval as nothing (120,000 Wh).
    /// </summary>
    [Fact]
    public void Stream_DeclaredReplacement_DayCountsTheOldMetersTailAndTheNewMetersStart()
    {
        var day = new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.FromHours(1)).UtcTicks;
        long At(int hourUtc) => new DateTimeOffset(2026, 1, 10, hourUtc, 0, 0, TimeSpan.Zero).UtcTicks;
        var declared = new CounterRules { Replacements = [new MeterReplacement(new DateTimeOffset(2026, 1, 10, 10, 0, 0, TimeSpan.Zero), 1_110_000, 5_000)] };
        CounterRules RulesOf(int series) => series == 0 ? declared : CounterRules.Default;
        long[] ticks = [At(1), At(6), At(12), At(18)];
        double[] values = [1_000_000, 1_100_000, 20_000, 40_000];

        foreach (var arrival in new[] { new[] { 0, 1, 2, 3 }, [0, 1, 3, 2] })
        {
            var engine = new RollupEngine([RollupWindow.Day], Paris, TimeSpan.FromDays(7), RulesOf);
            var reported = new Dictionary<(RollupWindow, int, long), RollupResult>();
            var output = new List<RollupOutput>();
            foreach (var series in new[] { 0, 1 })
            {
                foreach (var i in arrival)
                {
                    engine.Add([series], [ticks[i]], [values[i]], output);
                }
            }

            engine.CloseEndedBy(long.MaxValue / 2, output);
            Take(output, reported);

            Assert.Equal(145_000, reported[(RollupWindow.Day, 0, day)].Increase, 6);
            Assert.Equal(120_000, reported[(RollupWindow.Day, 1, day)].Increase, 6);
        }

        var batch = BatchRollup.Compute([0, 0, 0, 0], ticks, values, new WindowCalendar(RollupWindow.Day, Paris), RulesOf);
        Assert.Equal(145_000, Assert.Single(batch).Increase, 6);
    }

    [Fact]
    public void Stream_ReadingOlderThanTheHorizon_IsCountedNotRolledUp()
    {
        var engine = new RollupEngine(AllWindows, Paris, TimeSpan.FromDays(1));
        var output = new List<RollupOutput>();
        var now = new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.Zero).UtcTicks;
        engine.Add([0], [now], [5.0], output);
        engine.CloseEndedBy(now + TimeSpan.TicksPerHour, output);
        output.Clear();

        engine.Add([0], [now - TimeSpan.FromDays(3).Ticks], [4.0], output);

        Assert.Equal(1, engine.TooLate);
        Assert.Empty(output);
    }

    private static void Take(List<RollupOutput> output, Dictionary<(RollupWindow, int, long), RollupResult> reported)
    {
        foreach (var item in output)
        {
            reported[(item.Window, item.Result.Series, item.Result.WindowStartTicks)] = item.Result;
        }

        output.Clear();
    }
}
