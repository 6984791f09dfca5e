using Loos.Edge.Aggregation.Counters;

namespace Loos.Edge.Aggregation.Rollups;

/// <summary>A window of one length, as the engine reports it; a window reported again replaces what was reported before.</summary>
/// <param name="Window">The window length.</param>
/// <param name="Result">The window's figures.</param>
public readonly record struct RollupOutput(RollupWindow Window, RollupResult Result);

/// <summary>
/// Rollups of a stream of readings, for the gateway: one <see cref="RollupKernel"/> per window length does the work,
/// and the engine keeps each series' recent readings (the horizon) so that a late or out-of-order reading recomputes
/// exactly the windows it touches (its own, and the one holding the next reading, whose counter increase it splits),
/// which are then reported again. A reading older than the horizon allows is not rolled up and is counted in
/// <see cref="TooLate"/>. Not thread-safe: one loop feeds it.
/// </summary>
public sealed class RollupEngine
{
    private readonly RollupWindow[] windows;
    private readonly WindowCalendar[] calendars;
    private readonly RollupKernel[] kernels;
    private readonly Func<int, CounterRules>? counterRulesOf;
    private readonly List<CounterRules?> rulesBySeries = [];
    private readonly long horizonTicks;
    private readonly List<History> histories = [];
    private readonly HashSet<(int Window, int Series, long Start)> staleOpenWindows = [];
    private long keptFromTicks = long.MinValue;
    private long closedUpToTicks = long.MinValue;

    /// <param name="windows">The window lengths to roll up.</param>
    /// <param name="zone">The site's zone, for local days.</param>
    /// <param name="horizon">How far back a late reading is still rolled up; at least a day, so that a day's window can be recomputed.</param>
    /// <param name="counterRulesOf">How each series' counter is read (asked once per series); <see cref="CounterRules.Default"/> when null.</param>
    public RollupEngine(IReadOnlyList<RollupWindow> windows, TimeZoneInfo zone, TimeSpan horizon, Func<int, CounterRules>? counterRulesOf = null)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, TimeSpan.FromDays(1));
        this.windows = [.. windows];
        this.counterRulesOf = counterRulesOf;
        horizonTicks = horizon.Ticks;
        calendars = [.. this.windows.Select(window => new WindowCalendar(window, zone))];
        kernels = [.. calendars.Select(calendar => new RollupKernel(64, calendar, RulesOf))];
    }

    /// <summary>Readings not rolled up because their windows had left the horizon.</summary>
    public long TooLate { get; private set; }

    /// <summary>Adds readings (three spans of one length); windows they close, or recompute, are added to <paramref name="output"/>.</summary>
    public void Add(ReadOnlySpan<int> series, ReadOnlySpan<long> ticks, ReadOnlySpan<double> values, List<RollupOutput> output)
    {
        ArgumentNullException.ThrowIfNull(output);

        // The history learns the whole batch first, so that a recompute sees every reading of the windows it redoes.
        for (var i = 0; i < series.Length; i++)
        {
            if (!double.IsNaN(values[i]) && ticks[i] >= keptFromTicks)
            {
                HistoryOf(series[i]).Insert(ticks[i], values[i]);
            }
        }

        for (var w = 0; w < kernels.Length; w++)
        {
            var sink = new EngineSink(this, w, output);
            kernels[w].Add(series, ticks, values, ref sink);
        }
    }

    /// <summary>
    /// Reports the windows that ended by <paramref name="utcTicks"/> (call it with the clock minus a grace time), and
    /// forgets readings older than the horizon before it.
    /// </summary>
    public void CloseEndedBy(long utcTicks, List<RollupOutput> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        for (var w = 0; w < kernels.Length; w++)
        {
            var sink = new EngineSink(this, w, output);
            kernels[w].CloseEndedBy(utcTicks, ref sink);
        }

        closedUpToTicks = Math.Max(closedUpToTicks, utcTicks);
        ForgetBefore(utcTicks - horizonTicks);
    }

    /// <summary>The last instant passed to <see cref="CloseEndedBy"/>: every window that ended by it is reported.</summary>
    public long ClosedUpToTicks => closedUpToTicks;

    /// <summary>
    /// Where the windows still open begin: the start of the longest window holding <see cref="ClosedUpToTicks"/>.
    /// <see cref="long.MinValue"/> before the first close.
    /// </summary>
    public long OpenSinceTicks => OpenSince(closedUpToTicks);

    /// <summary>The start of the <paramref name="window"/> (one of the engine's) holding <paramref name="utcTicks"/>.</summary>
    public long WindowStartOf(RollupWindow window, long utcTicks)
    {
        calendars[Array.IndexOf(windows, window)].WindowOf(utcTicks, out var start, out _);
        return start;
    }

    /// <summary>The series the engine holds readings of.</summary>
    public IEnumerable<int> Series => Enumerable.Range(0, histories.Count).Where(s => histories[s] is not null);

    /// <summary>
    /// Copies the readings of <paramref name="series"/> from <paramref name="fromTicks"/> on, in time order, with the one
    /// before as the counter baseline: what <see cref="Resume"/> needs to rebuild its open windows in another engine.
    /// </summary>
    public void CopyReadings(int series, long fromTicks, List<long> ticks, List<double> values)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        ArgumentNullException.ThrowIfNull(values);
        if (series < histories.Count && histories[series] is { } history)
        {
            history.CopyFrom(fromTicks, ticks, values);
        }
    }

    /// <summary>
    /// Rebuilds, in a new engine, the windows a previous one had open after closing up to
    /// <paramref name="closedUpToTicks"/>, from the readings it copied from its <see cref="OpenSinceTicks"/> on
    /// (<see cref="CopyReadings"/>; each series in time order). Nothing is reported now: the windows that ended by then
    /// were reported by the previous engine, and a late reading for a window before its open ones counts as
    /// <see cref="TooLate"/>, as their readings are no longer all here. Call it before any other reading.
    /// </summary>
    public void Resume(long closedUpToTicks, ReadOnlySpan<int> series, ReadOnlySpan<long> ticks, ReadOnlySpan<double> values)
    {
        var discarded = new List<RollupOutput>();
        Add(series, ticks, values, discarded);
        CloseEndedBy(closedUpToTicks, discarded);
        ForgetBefore(OpenSince(closedUpToTicks));
    }

    private long OpenSince(long closedUpTo)
    {
        if (closedUpTo == long.MinValue)
        {
            return long.MinValue;
        }

        var since = closedUpTo;
        foreach (var calendar in calendars)
        {
            calendar.WindowOf(closedUpTo, out var start, out _);
            since = Math.Min(since, start);
        }

        return since;
    }

    private void ForgetBefore(long utcTicks)
    {
        keptFromTicks = Math.Max(keptFromTicks, utcTicks);
        foreach (var history in histories)
        {
            history?.TrimBefore(keptFromTicks);
        }
    }

    private CounterRules RulesOf(int series)
    {
        while (rulesBySeries.Count <= series)
        {
            rulesBySeries.Add(null);
        }

        return rulesBySeries[series] ??= counterRulesOf?.Invoke(series) ?? CounterRules.Default;
    }

    private History HistoryOf(int series)
    {
        while (histories.Count <= series)
        {
            histories.Add(null!);
        }

        return histories[series] ??= new History();
    }

    private void OnLate(int w, int series, long tick, List<RollupOutput> output)
    {
        calendars[w].WindowOf(tick, out var start, out _);
        if (tick < keptFromTicks || OldestWindowStart(tick) < keptFromTicks)
        {
            if (w == 0)
            {
                TooLate++;
            }

            return;
        }

        Recompute(w, series, start, output);
        if (HistoryOf(series).FirstAfter(tick) is { } following)
        {
            calendars[w].WindowOf(following, out var nextStart, out _);
            if (nextStart != start)
            {
                Recompute(w, series, nextStart, output);
            }
        }
    }

    /// <summary>The earliest start among the windows holding <paramref name="tick"/>: the one a recompute needs whole.</summary>
    private long OldestWindowStart(long tick)
    {
        var oldest = tick;
        foreach (var calendar in calendars)
        {
            calendar.WindowOf(tick, out var start, out _);
            oldest = Math.Min(oldest, start);
        }

        return oldest;
    }

    /// <summary>
    /// The window of length <paramref name="w"/> starting at <paramref name="start"/>, from the history: reported now
    /// if closed, or marked so that its close reports the recomputed figures.
    /// </summary>
    private void Recompute(int w, int series, long start, List<RollupOutput> output)
    {
        if (kernels[w].TryGetOpenWindow(series, out var openStart) && openStart == start)
        {
            staleOpenWindows.Add((w, series, start));
            return;
        }

        output.Add(new RollupOutput(windows[w], Compute(w, series, start)));
    }

    private RollupResult Compute(int w, int series, long start)
    {
        calendars[w].WindowOf(start, out _, out var end);
        var history = HistoryOf(series);
        int count = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, last = 0, increase = 0;
        long lastTicks = 0;
        var hasBaseline = false;
        double baseline = 0;
        long previousTicks = 0;
        var rules = RulesOf(series);
        foreach (var (tick, value) in history.Readings)
        {
            if (tick >= end)
            {
                break;
            }

            if (hasBaseline)
            {
                var step = CounterIncrease.Step(previousTicks, baseline, tick, value, rules, out baseline);
                previousTicks = tick;
                if (tick >= start)
                {
                    increase += step;
                }
            }
            else
            {
                baseline = value;
                previousTicks = tick;
                hasBaseline = true;
            }

            if (tick >= start)
            {
                count++;
                min = Math.Min(min, value);
                max = Math.Max(max, value);
                sum += value;
                last = value;
                lastTicks = tick;
            }
        }

        return new RollupResult(series, start, count, min, max, sum, last, lastTicks, increase);
    }

    private readonly struct EngineSink(RollupEngine engine, int w, List<RollupOutput> output) : IRollupSink
    {
        public void Closed(in RollupResult result)
        {
            if (engine.staleOpenWindows.Remove((w, result.Series, result.WindowStartTicks)))
            {
                output.Add(new RollupOutput(engine.windows[w], engine.Compute(w, result.Series, result.WindowStartTicks)));
                return;
            }

            output.Add(new RollupOutput(engine.windows[w], result));
        }

        public void Late(int series, long utcTicks, double value) => engine.OnLate(w, series, utcTicks, output);
    }

    /// <summary>One series' readings within the horizon, in time order, plus the one before it as a counter baseline.</summary>
    private sealed class History
    {
        private readonly List<long> ticks = [];
        private readonly List<double> values = [];

        public void Insert(long tick, double value)
        {
            if (ticks.Count == 0 || tick > ticks[^1])
            {
                ticks.Add(tick);
                values.Add(value);
                return;
            }

            var index = ticks.BinarySearch(tick);
            if (index >= 0)
            {
                return; // The same instant again: the same point.
            }

            ticks.Insert(~index, tick);
            values.Insert(~index, value);
        }

        public void CopyFrom(long fromTicks, List<long> copiedTicks, List<double> copiedValues)
        {
            var index = ticks.BinarySearch(fromTicks);
            index = Math.Max(0, (index >= 0 ? index : ~index) - 1);
            for (var i = index; i < ticks.Count; i++)
            {
                copiedTicks.Add(ticks[i]);
                copiedValues.Add(values[i]);
            }
        }

        public long? FirstAfter(long tick)
        {
            var index = ticks.BinarySearch(tick);
            index = index >= 0 ? index + 1 : ~index;
            return index < ticks.Count ? ticks[index] : null;
        }

        /// <summary>The readings in time order.</summary>
        public IEnumerable<(long Tick, double Value)> Readings
        {
            get
            {
                for (var i = 0; i < ticks.Count; i++)
                {
                    yield return (ticks[i], values[i]);
                }
            }
        }

        public void TrimBefore(long keepFrom)
        {
            // Keep the last reading before the horizon: the counter baseline of the first window inside it.
            var index = ticks.BinarySearch(keepFrom);
            var firstKept = (index >= 0 ? index : ~index) - 1;
            if (firstKept > 0)
            {
                ticks.RemoveRange(0, firstKept);
                values.RemoveRange(0, firstKept);
            }
        }
    }
}
