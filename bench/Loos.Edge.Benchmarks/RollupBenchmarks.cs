using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using DuckDB.NET.Data;
using Loos.Edge.Aggregation.Rollups;
using Loos.Edge.Testing;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// The readings both sides of a rollup comparison hold: <c>series</c> counters read every 5 minutes (each series at
/// its own second within the 5 minutes), from Monday 5 January 2026, in time order. The same formula gives them to
/// DuckDB and InfluxDB, so that every engine rolls up identical data.
/// </summary>
internal static class RollupData
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    public static TimeZoneInfo Paris { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public static long Ticks(int series, int step) => Start.UtcTicks + (((step * 300L) + (series % 300)) * TimeSpan.TicksPerSecond);

    /// <summary>A counter rising 0.5 per step with a wobble of ±0.09: never decreasing.</summary>
    public static double Value(int series, int step) => (series * 1000.0) + (step * 0.5) + (((series * 7) + (step * 13)) % 10 * 0.01);

    /// <summary>The same values as SQL over columns <c>s</c> and <c>k</c>.</summary>
    public const string ValueSql = "s * 1000.0 + k * 0.5 + ((s * 7 + k * 13) % 10) * 0.01";

    public static (int[] Series, long[] Ticks, double[] Values) Generate(int seriesCount, int steps)
    {
        var total = (long)seriesCount * steps;
        var series = new int[total];
        var ticks = new long[total];
        var values = new double[total];
        long i = 0;
        for (var k = 0; k < steps; k++)
        {
            for (var s = 0; s < seriesCount; s++, i++)
            {
                series[i] = s;
                ticks[i] = Ticks(s, k);
                values[i] = Value(s, k);
            }
        }

        return (series, ticks, values);
    }
}

/// <summary>Counts closed windows and adds up their increases, so that nothing can be optimised away.</summary>
internal struct CountingSink : IRollupSink
{
    public long Windows;
    public double Increase;

    public void Closed(in RollupResult result)
    {
        Windows++;
        Increase += result.Increase;
    }

    public void Late(int series, long utcTicks, double value) => throw new InvalidOperationException("The benchmark's readings are in time order.");
}

/// <summary>
/// The daily rollup (count, min, max, mean, increase per series and local day) of 100 million readings over 10,000
/// series: the rollup kernel on one core against DuckDB in memory on one thread (<c>SET threads = 1</c>), over the
/// same readings. Set LOOS_EDGE_ROLLUP_STEPS to fewer readings per series for a quick run (default 10,000).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class RollupVsDuckDbBenchmarks
{
    private const int SeriesCount = 10_000;
    private int[] series = [];
    private long[] ticks = [];
    private double[] values = [];
    private RollupKernel kernel = null!;
    private DuckDBConnection duckDb = null!;
    private double kernelIncrease;

    private static int Steps => int.TryParse(Environment.GetEnvironmentVariable("LOOS_EDGE_ROLLUP_STEPS"), out var steps) ? steps : 10_000;

    private static string DailyRollupSql => """
        SELECT series, day, count(*), min(v), max(v), avg(v), sum(increase)
        FROM (
            SELECT series, CAST(timezone('Europe/Paris', ts) AS DATE) AS day, v,
                   CASE WHEN lag(v) OVER w IS NULL THEN 0 WHEN v >= lag(v) OVER w THEN v - lag(v) OVER w ELSE v END AS increase
            FROM readings
            WINDOW w AS (PARTITION BY series ORDER BY ts))
        GROUP BY series, day
        """;

    [GlobalSetup]
    public void Setup()
    {
        (series, ticks, values) = RollupData.Generate(SeriesCount, Steps);
        kernel = new RollupKernel(SeriesCount, new WindowCalendar(RollupWindow.Day, RollupData.Paris));
        duckDb = new DuckDBConnection("Data Source=:memory:");
        duckDb.Open();
        Execute("SET threads = 1");
        Execute(string.Create(CultureInfo.InvariantCulture, $"""
            CREATE TABLE readings AS
            SELECT s::INTEGER AS series,
                   TIMESTAMPTZ '2026-01-05 00:00:00+00' + to_seconds(k * 300 + s % 300) AS ts,
                   ({RollupData.ValueSql})::DOUBLE AS v
            FROM range(0, {SeriesCount}) t(s), range(0, {Steps}) u(k)
            """));

        // Both sides must compute the same thing: same windows, same total increase.
        var ours = KernelDailyRollup();
        var (rows, increase) = QueryDuckDb();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {series.LongLength:N0} readings; kernel: {ours:N0} windows, increase {kernelIncrease:F2}; DuckDB: {rows:N0} rows, increase {increase:F2}"));
        if (rows != ours || Math.Abs(increase - kernelIncrease) > 1e-6 * Math.Abs(increase))
        {
            throw new InvalidOperationException("The kernel and DuckDB disagree on the daily rollup.");
        }
    }

    [Benchmark(Baseline = true, Description = "rollup kernel, 1 core")]
    public long KernelDailyRollup()
    {
        kernel.Reset();
        var sink = default(CountingSink);
        kernel.Add(series, ticks, values, ref sink);
        kernel.Flush(ref sink);
        kernelIncrease = sink.Increase;
        return sink.Windows;
    }

    [Benchmark(Description = "DuckDB, 1 thread")]
    public long DuckDbDailyRollup() => QueryDuckDb().Rows;

    [GlobalCleanup]
    public void Cleanup() => duckDb.Dispose();

    private (long Rows, double Increase) QueryDuckDb()
    {
        using var command = duckDb.CreateCommand();
        command.CommandText = DailyRollupSql;
        using var reader = command.ExecuteReader();
        long rows = 0;
        double increase = 0;
        while (reader.Read())
        {
            rows++;
            increase += reader.GetDouble(6);
        }

        return (rows, increase);
    }

    private void Execute(string sql)
    {
        using var command = duckDb.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// The same daily rollup by InfluxQL in a real influxd (Debian's 1.6) holding the same readings, against the kernel:
/// 1 million readings (100 series × 10,000) – the size influxd answers in seconds. Needs /usr/bin/influxd.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class RollupVsInfluxQlBenchmarks
{
    private const int SeriesCount = 100;
    private const int Steps = 10_000;
    private const string Database = "rollup";
    private int[] series = [];
    private long[] ticks = [];
    private double[] values = [];
    private RollupKernel kernel = null!;
    private InfluxdServer influxd = null!;

    private static readonly string Range = string.Create(CultureInfo.InvariantCulture, $"time >= '{RollupData.Start:yyyy-MM-ddTHH:mm:ssZ}' AND time < '{RollupData.Start.AddDays(40):yyyy-MM-ddTHH:mm:ssZ}'");

    [GlobalSetup]
    public void Setup()
    {
        (series, ticks, values) = RollupData.Generate(SeriesCount, Steps);
        kernel = new RollupKernel(SeriesCount, new WindowCalendar(RollupWindow.Day, RollupData.Paris));
        influxd = InfluxdServer.StartNewAsync().GetAwaiter().GetResult();
        influxd.CreateDatabaseAsync(Database).GetAwaiter().GetResult();
        var lines = new StringBuilder();
        for (var i = 0; i < series.Length; i++)
        {
            lines.Append(CultureInfo.InvariantCulture, $"r,series=s{series[i]} v={values[i]:R} {(ticks[i] - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond}\n");
            if ((i + 1) % 50_000 == 0 || i == series.Length - 1)
            {
                var (status, body) = influxd.WriteLineProtocolAsync(Database, lines.ToString()).GetAwaiter().GetResult();
                if ((int)status != 204)
                {
                    throw new InvalidOperationException($"influxd refused the readings: {status} {body[..Math.Min(body.Length, 300)]}");
                }

                lines.Clear();
            }
        }

        var windows = KernelDailyRollup();
        var influxWindows = InfluxQlDailyRollup();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {series.Length:N0} readings; kernel {windows:N0} windows, InfluxQL {influxWindows:N0} rows"));
    }

    [Benchmark(Baseline = true, Description = "rollup kernel, 1 core")]
    public long KernelDailyRollup()
    {
        kernel.Reset();
        var sink = default(CountingSink);
        kernel.Add(series, ticks, values, ref sink);
        kernel.Flush(ref sink);
        return sink.Windows;
    }

    [Benchmark(Description = "InfluxQL in influxd")]
    public long InfluxQlDailyRollup()
    {
        var stats = influxd.QueryAsync(Database, $"SELECT count(v), min(v), max(v), mean(v) FROM r WHERE {Range} GROUP BY time(1d), \"series\" tz('Europe/Paris')").GetAwaiter().GetResult();
        var increases = influxd.QueryAsync(Database, $"SELECT sum(d) FROM (SELECT non_negative_difference(v) AS d FROM r WHERE {Range} GROUP BY \"series\") WHERE {Range} GROUP BY time(1d), \"series\" tz('Europe/Paris')").GetAwaiter().GetResult();
        return stats.Sum(s => (long)s.Values.Count) + increases.Count;
    }

    [GlobalCleanup]
    public void Cleanup() => influxd.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
