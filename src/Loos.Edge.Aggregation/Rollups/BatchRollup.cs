using Loos.Edge.Aggregation.Counters;

namespace Loos.Edge.Aggregation.Rollups;

/// <summary>Rollups of a batch of readings in any order (a backfill, a report): sorted per series and time, then one kernel pass.</summary>
public static class BatchRollup
{
    /// <summary>Every window of <paramref name="window"/> length over the readings, ordered by series then window.</summary>
    public static List<RollupResult> Compute(ReadOnlySpan<int> series, ReadOnlySpan<long> ticks, ReadOnlySpan<double> values, WindowCalendar window, Func<int, CounterRules>? counterRulesOf = null)
    {
        ArgumentNullException.ThrowIfNull(window);
        var order = new int[series.Length];
        var keys = new (int Series, long Ticks)[series.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = (series[i], ticks[i]);
        }

        Array.Sort(keys, order);
        var sortedSeries = new int[order.Length];
        var sortedTicks = new long[order.Length];
        var sortedValues = new double[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            sortedSeries[i] = series[order[i]];
            sortedTicks[i] = ticks[order[i]];
            sortedValues[i] = values[order[i]];
        }

        var kernel = new RollupKernel(sortedSeries.Length == 0 ? 1 : sortedSeries[^1] + 1, window, counterRulesOf);
        var sink = new ListSink([]);
        kernel.Add(sortedSeries, sortedTicks, sortedValues, ref sink);
        kernel.Flush(ref sink);
        sink.Results.Sort(static (a, b) => a.Series != b.Series ? a.Series.CompareTo(b.Series) : a.WindowStartTicks.CompareTo(b.WindowStartTicks));
        return sink.Results;
    }

    private readonly struct ListSink(List<RollupResult> results) : IRollupSink
    {
        public List<RollupResult> Results => results;

        public void Closed(in RollupResult result) => results.Add(result);

        // Sorted input has no late readings.
        public void Late(int series, long utcTicks, double value)
        {
        }
    }
}
