using Loos.Edge.Aggregation.Counters;

namespace Loos.Edge.Aggregation.Rollups;

/// <summary>One series' window: count, min, max, mean, last and counter increase of its readings.</summary>
/// <param name="Series">The series index.</param>
/// <param name="WindowStartTicks">The window's start, UTC ticks.</param>
/// <param name="Count">Readings in the window.</param>
/// <param name="Min">The lowest value.</param>
/// <param name="Max">The highest value.</param>
/// <param name="Sum">The sum of the values (mean = Sum / Count).</param>
/// <param name="Last">The value of the latest reading.</param>
/// <param name="LastTicks">The latest reading's instant, UTC ticks.</param>
/// <param name="Increase">
/// The counter increase of the window: over every pair of consecutive readings whose later one is in the window,
/// across resets, rollovers and replacements (see <see cref="CounterIncrease"/>); meaningful for counters only.
/// </param>
public readonly record struct RollupResult(int Series, long WindowStartTicks, int Count, double Min, double Max, double Sum, double Last, long LastTicks, double Increase)
{
    /// <summary>The mean of the window's values.</summary>
    public double Mean => Sum / Count;
}

/// <summary>Receives closed windows from a <see cref="RollupKernel"/>; a struct implementation keeps the loop free of calls through interfaces.</summary>
public interface IRollupSink
{
    /// <summary>A window closed: a reading of a later window arrived, or the kernel was flushed.</summary>
    void Closed(in RollupResult result);

    /// <summary>A reading older than its series' latest: not added; the caller recomputes the windows it touches.</summary>
    void Late(int series, long utcTicks, double value);
}

/// <summary>
/// The rollup hot loop: readings in, closed windows out, one pass, state kept per series in flat arrays (structure
/// of arrays), nothing allocated per reading. Readings of one series must come in time order; series may interleave.
/// A stale reading (NaN) is skipped, a repeated instant counted once, an older one handed back as late. Not thread-safe: one kernel per window length and per thread.
/// </summary>
public sealed class RollupKernel
{
    private readonly WindowCalendar calendar;
    private readonly Func<int, CounterRules>? counterRulesOf;
    private long[] windowStart;
    private long[] windowEnd;
    private int[] count;
    private double[] min;
    private double[] max;
    private double[] sum;
    private double[] last;
    private long[] lastTicks;
    private double[] increase;
    private double[] baseline;
    private long[] closedBefore;
    private CounterRules?[] rules;
    private int[] nextReplacement;
    private long[] nextReplacementTicks;

    /// <param name="seriesCapacity">How many series to make room for; grows by itself.</param>
    /// <param name="calendar">The window length and the site's zone.</param>
    /// <param name="counterRulesOf">
    /// How each series' counter is read (asked once per series, at its first reading); <see cref="CounterRules.Default"/>
    /// for every series when null.
    /// </param>
    public RollupKernel(int seriesCapacity, WindowCalendar calendar, Func<int, CounterRules>? counterRulesOf = null)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        this.calendar = calendar;
        this.counterRulesOf = counterRulesOf;
        windowStart = [];
        windowEnd = [];
        count = [];
        min = [];
        max = [];
        sum = [];
        last = [];
        lastTicks = [];
        increase = [];
        baseline = [];
        closedBefore = [];
        rules = [];
        nextReplacement = [];
        nextReplacementTicks = [];
        Grow(Math.Max(1, seriesCapacity));
    }

    /// <summary>Adds readings (three spans of one length) and reports every window they close to <paramref name="sink"/>.</summary>
    public void Add<TSink>(ReadOnlySpan<int> series, ReadOnlySpan<long> ticks, ReadOnlySpan<double> values, ref TSink sink)
        where TSink : IRollupSink
    {
        if (series.Length != ticks.Length || series.Length != values.Length)
        {
            throw new ArgumentException("series, ticks and values must have the same length.");
        }

        for (var i = 0; i < series.Length; i++)
        {
            var s = series[i];
            var tick = ticks[i];
            var value = values[i];
            if ((uint)s >= (uint)count.Length)
            {
                Grow(Math.Max(s + 1, count.Length * 2));
            }

            if (double.IsNaN(value))
            {
                continue;
            }

            if (tick <= lastTicks[s] || tick < closedBefore[s])
            {
                // The same instant again is the same point delivered twice (at-least-once delivery): counted once.
                // Older, or in a window already closed by time, it is late: the caller recomputes that window.
                if (tick != lastTicks[s])
                {
                    sink.Late(s, tick, value);
                }

                continue;
            }

            if (tick >= windowEnd[s] || tick < windowStart[s])
            {
                if (count[s] > 0)
                {
                    sink.Closed(new RollupResult(s, windowStart[s], count[s], min[s], max[s], sum[s], last[s], lastTicks[s], increase[s]));
                }

                calendar.WindowOf(tick, out windowStart[s], out windowEnd[s]);
                count[s] = 0;
                min[s] = double.PositiveInfinity;
                max[s] = double.NegativeInfinity;
                sum[s] = 0;
                increase[s] = 0;
            }

            if (lastTicks[s] == long.MinValue)
            {
                baseline[s] = value;
                rules[s] ??= counterRulesOf?.Invoke(s) ?? CounterRules.Default;
                nextReplacement[s] = 0;
                PassReplacementsUpTo(s, tick);
            }
            else if (tick >= nextReplacementTicks[s])
            {
                // A meter replacement declared between the previous reading and this one.
                increase[s] += CounterIncrease.AcrossReplacement(baseline[s], value, rules[s]!.Replacements[nextReplacement[s]]);
                baseline[s] = value;
                PassReplacementsUpTo(s, tick);
            }
            else
            {
                increase[s] += CounterIncrease.Between(baseline[s], value, rules[s]!, out baseline[s], out _);
            }

            count[s]++;
            min[s] = Math.Min(min[s], value);
            max[s] = Math.Max(max[s], value);
            sum[s] += value;
            last[s] = value;
            lastTicks[s] = tick;
        }
    }

    /// <summary>Closes every open window (at the end of a batch, or when a window's time is over).</summary>
    public void Flush<TSink>(ref TSink sink)
        where TSink : IRollupSink
    {
        for (var s = 0; s < count.Length; s++)
        {
            if (count[s] > 0)
            {
                sink.Closed(new RollupResult(s, windowStart[s], count[s], min[s], max[s], sum[s], last[s], lastTicks[s], increase[s]));
                count[s] = 0;

                // The next reading opens a new window; the counter baseline and the last instant carry over.
                windowStart[s] = long.MaxValue;
                windowEnd[s] = long.MinValue;
            }
        }
    }

    /// <summary>
    /// Closes the open windows that end at or before <paramref name="utcTicks"/> (their time is over: a series that went
    /// quiet still gets its last window); a reading for such a window that comes later is handed back as late.
    /// </summary>
    public void CloseEndedBy<TSink>(long utcTicks, ref TSink sink)
        where TSink : IRollupSink
    {
        for (var s = 0; s < count.Length; s++)
        {
            if (count[s] > 0 && windowEnd[s] <= utcTicks)
            {
                sink.Closed(new RollupResult(s, windowStart[s], count[s], min[s], max[s], sum[s], last[s], lastTicks[s], increase[s]));
                count[s] = 0;
                closedBefore[s] = windowEnd[s];
                windowStart[s] = long.MaxValue;
                windowEnd[s] = long.MinValue;
            }
        }
    }

    /// <summary>The start of <paramref name="series"/>' open window, if it has one.</summary>
    public bool TryGetOpenWindow(int series, out long startTicks)
    {
        var open = (uint)series < (uint)count.Length && count[series] > 0;
        startTicks = open ? windowStart[series] : 0;
        return open;
    }

    /// <summary>Forgets every series' state (open windows are dropped, not reported), keeping the arrays.</summary>
    public void Reset()
    {
        Array.Clear(count);
        Array.Fill(closedBefore, long.MinValue);
        Array.Fill(lastTicks, long.MinValue);
        Array.Fill(windowStart, long.MaxValue);
        Array.Fill(windowEnd, long.MinValue);
    }

    /// <summary>Points <paramref name="s"/>' next declared replacement past <paramref name="tick"/>.</summary>
    private void PassReplacementsUpTo(int s, long tick)
    {
        var replacements = rules[s]!.Replacements;
        while (nextReplacement[s] < replacements.Count && replacements[nextReplacement[s]].At.UtcTicks <= tick)
        {
            nextReplacement[s]++;
        }

        nextReplacementTicks[s] = nextReplacement[s] < replacements.Count ? replacements[nextReplacement[s]].At.UtcTicks : long.MaxValue;
    }

    private void Grow(int capacity)
    {
        var old = count.Length;
        Array.Resize(ref windowStart, capacity);
        Array.Resize(ref windowEnd, capacity);
        Array.Resize(ref count, capacity);
        Array.Resize(ref min, capacity);
        Array.Resize(ref max, capacity);
        Array.Resize(ref sum, capacity);
        Array.Resize(ref last, capacity);
        Array.Resize(ref lastTicks, capacity);
        Array.Resize(ref increase, capacity);
        Array.Resize(ref baseline, capacity);
        Array.Resize(ref closedBefore, capacity);
        Array.Resize(ref rules, capacity);
        Array.Resize(ref nextReplacement, capacity);
        Array.Resize(ref nextReplacementTicks, capacity);
        Array.Fill(closedBefore, long.MinValue, old, capacity - old);
        Array.Fill(lastTicks, long.MinValue, old, capacity - old);
        Array.Fill(windowStart, long.MaxValue, old, capacity - old);
        Array.Fill(windowEnd, long.MinValue, old, capacity - old);
    }
}
