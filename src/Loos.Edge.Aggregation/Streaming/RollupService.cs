using Loos.Edge.Aggregation.Rollups;
using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Aggregation.Streaming;

/// <summary>
/// Rolls the gateway's readings up as they are buffered: reads the buffer as its own consumer (<c>rollups</c>), feeds
/// the <see cref="RollupEngine"/>, and appends the windows it reports back to the buffer as derived series
/// (<see cref="DerivedSeries"/>), so that they reach InfluxDB like any reading; a window reported again (a late
/// reading) replaces the earlier point there. The consumer's position moves only once the derived readings are on
/// disk. The first window of each series and length after the gateway starts is not reported (it may miss the
/// readings from before a restart, and its figures would be short); it is counted and logged instead.
/// </summary>
internal sealed partial class RollupService(
    RollupOptions options,
    IReadingLog readingLog,
    IReadingSink sink,
    ISeriesCatalog catalog,
    TimeProvider timeProvider,
    ILogger<RollupService> logger) : BackgroundService
{
    internal const string ConsumerName = "rollups";
    private const int BatchSize = 5000;
    private static readonly TimeSpan IdleWake = TimeSpan.FromSeconds(5);

    // Per series id: 0 not seen, 1 rolled up, 2 left alone (derived, or a measurement not selected).
    private byte[] selection = new byte[256];
    private long[] firstTicks = new long[256];
    private readonly Dictionary<(int Series, int Window), SeriesId[]> derived = [];
    private long skippedAfterRestart;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var windows = options.EffectiveWindows;
        var engine = new RollupEngine(windows, TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone), options.Horizon);
        var consumer = readingLog.OpenConsumer(ConsumerName);
        var output = new List<RollupOutput>();
        var readings = new List<Reading>();
        var series = new List<int>();
        var ticks = new List<long>();
        var values = new List<double>();
        LogStarted(logger, string.Join(", ", windows.Select(DerivedSeries.Label)), options.Measurements.Count == 0 ? "all" : string.Join(", ", options.Measurements));
        while (!stoppingToken.IsCancellationRequested)
        {
            BufferBatch? batch = null;
            using (var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                // Windows are also closed by the clock, so an idle buffer must not keep the loop waiting.
                wake.CancelAfter(IdleWake);
                try
                {
                    batch = await consumer.ReadAsync(BatchSize, TimeSpan.FromSeconds(1), wake.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }

            series.Clear();
            ticks.Clear();
            values.Clear();
            if (batch is not null)
            {
                foreach (var reading in batch.Readings.Span)
                {
                    if (Selected(reading.Series, reading.Timestamp.UtcTicks))
                    {
                        series.Add(reading.Series.Value);
                        ticks.Add(reading.Timestamp.UtcTicks);
                        values.Add(reading.Value);
                    }
                }

                engine.Add(
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(series),
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ticks),
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values),
                    output);
            }

            engine.CloseEndedBy((timeProvider.GetUtcNow() - options.Grace).UtcTicks, output);
            readings.Clear();
            foreach (var item in output)
            {
                Append(item, readings);
            }

            output.Clear();
            if (readings.Count > 0)
            {
                await sink.AppendAsync(readings.ToArray(), stoppingToken).ConfigureAwait(false);
            }

            if (batch is not null)
            {
                await consumer.AcknowledgeAsync(batch, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether a reading of <paramref name="id"/> at <paramref name="utcTicks"/> is rolled up.</summary>
    private bool Selected(SeriesId id, long utcTicks)
    {
        var s = id.Value;
        if (s >= selection.Length)
        {
            var size = Math.Max(s + 1, selection.Length * 2);
            Array.Resize(ref selection, size);
            Array.Resize(ref firstTicks, size);
        }

        if (selection[s] == 0)
        {
            var key = catalog[id];
            var wanted = !DerivedSeries.IsDerived(key.Measurement)
                && (options.Measurements.Count == 0 || options.Measurements.Contains(key.Measurement, StringComparer.Ordinal));
            selection[s] = wanted ? (byte)1 : (byte)2;
            firstTicks[s] = utcTicks;
        }

        return selection[s] == 1;
    }

    private void Append(RollupOutput item, List<Reading> readings)
    {
        var result = item.Result;

        // The window this process first saw a series in may have lost its first readings to a restart: never
        // reported, so that a short window never replaces a complete one in InfluxDB.
        if (result.WindowStartTicks <= WindowStartOf(item.Window, firstTicks[result.Series]))
        {
            if (skippedAfterRestart++ % 1000 == 0)
            {
                LogSkipped(logger, catalog[new SeriesId(result.Series)].Measurement, DerivedSeries.Label(item.Window), skippedAfterRestart);
            }

            return;
        }

        if (!derived.TryGetValue((result.Series, (int)item.Window), out var ids))
        {
            ids = [.. DerivedSeries.For(catalog[new SeriesId(result.Series)], item.Window).Select(catalog.Intern)];
            derived.Add((result.Series, (int)item.Window), ids);
        }

        var at = new DateTimeOffset(result.WindowStartTicks, TimeSpan.Zero);
        readings.Add(new Reading(ids[0], at, result.Count));
        readings.Add(new Reading(ids[1], at, result.Min));
        readings.Add(new Reading(ids[2], at, result.Max));
        readings.Add(new Reading(ids[3], at, result.Mean));
        readings.Add(new Reading(ids[4], at, result.Last));
        readings.Add(new Reading(ids[5], at, result.Increase));
    }

    private long WindowStartOf(RollupWindow window, long utcTicks)
    {
        var calendar = new WindowCalendar(window, TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone));
        calendar.WindowOf(utcTicks, out var start, out _);
        return start;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollups: windows {Windows}, measurements {Measurements}")]
    private static partial void LogStarted(ILogger logger, string windows, string measurements);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollups: the first {Window} window of a {Measurement} series since the gateway started is not reported, it may miss readings ({Count} so far)")]
    private static partial void LogSkipped(ILogger logger, string measurement, string window, long count);
}
