using System.Runtime.InteropServices;
using Loos.Edge.Aggregation.Counters;
using Loos.Edge.Aggregation.Rollups;
using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Rollups;

/// <summary>
/// Rolls the gateway's readings up as they are buffered: reads the buffer as its own consumer (<c>rollups</c>), feeds
/// the <see cref="RollupEngine"/>, and appends the windows it reports back to the buffer as derived series
/// (<see cref="DerivedSeries"/>), so that they reach InfluxDB like any reading; a window reported again (a late
/// reading) replaces the earlier point there. The consumer's position moves only once the derived readings are on
/// disk. A clean stop leaves the windows still open in <see cref="RollupOptions.StateFile"/> and the next start
/// finishes them. After a crash there is no such file: the first window of each series and length after the start is
/// then not reported (it may miss the readings from before, and its figures would be short); it is counted and logged.
/// </summary>
internal sealed partial class RollupService(
    RollupOptions options,
    Func<SeriesKey, CounterRules?> counterRulesFor,
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
        var engine = new RollupEngine(
            windows,
            TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone),
            options.Horizon,
            series => counterRulesFor(catalog[new SeriesId(series)]) ?? CounterRules.Default);
        ResumeOpenWindows(engine);
        var consumer = readingLog.OpenConsumer(ConsumerName);
        var output = new List<RollupOutput>();
        var readings = new List<Reading>();
        var series = new List<int>();
        var ticks = new List<long>();
        var values = new List<double>();
        LogStarted(logger, string.Join(", ", windows.Select(DerivedSeries.Label)), options.Measurements.Count == 0 ? "all" : string.Join(", ", options.Measurements));

        // Whether the engine holds exactly the readings up to the consumer's checkpoint, with every window it reported
        // on disk: only then may a stop leave its open windows to the next start.
        var consistent = true;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                BufferBatch? batch = null;
                // Windows are also closed by the clock, so an idle buffer must not keep the loop waiting.
                using (var idle = new CancellationTokenSource(IdleWake, timeProvider))
                using (var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, idle.Token))
                {
                    try
                    {
                        batch = await consumer.ReadAsync(BatchSize, TimeSpan.FromSeconds(1), wake.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                    }
                }

                consistent = false;
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

                    engine.Add(CollectionsMarshal.AsSpan(series), CollectionsMarshal.AsSpan(ticks), CollectionsMarshal.AsSpan(values), output);
                }

                engine.CloseEndedBy((timeProvider.GetUtcNow() - options.Grace).UtcTicks, output);
                readings.Clear();
                foreach (var item in output)
                {
                    Append(engine, item, readings);
                }

                output.Clear();
                if (readings.Count > 0)
                {
                    await sink.AppendAsync(readings.ToArray(), AppendDurability.Written, stoppingToken).ConfigureAwait(false);
                }

                if (batch is not null)
                {
                    await consumer.AcknowledgeAsync(batch, stoppingToken).ConfigureAwait(false);
                }

                consistent = true;
            }
        }
        finally
        {
            if (consistent)
            {
                KeepOpenWindows(engine);
            }
            else
            {
                LogOpenWindowsNotKept(logger);
            }
        }
    }

    /// <summary>Finishes the windows a clean stop left in the state file, which is removed first so that it serves once.</summary>
    private void ResumeOpenWindows(RollupEngine engine)
    {
        var path = options.StateFile;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return;
        }

        RollupState? state;
        string problem;
        try
        {
            var read = RollupStateFile.TryRead(path, out state, out problem);
            File.Delete(path);
            DurableFile.SyncDirectory(Path.GetDirectoryName(path)!);
            if (!read)
            {
                LogStateDamaged(logger, path, problem);
                return;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Never resumed from a file that could outlive this start: after a later crash it would count readings twice.
            LogStateUnusable(logger, exception, path);
            return;
        }

        var series = new List<int>();
        var ticks = new List<long>();
        var values = new List<double>();
        foreach (var saved in state!.Series)
        {
            var id = catalog.Intern(saved.Key);
            if (!Selected(id, saved.FirstSeenTicks))
            {
                continue;
            }

            for (var i = 0; i < saved.Ticks.Length; i++)
            {
                series.Add(id.Value);
                ticks.Add(saved.Ticks[i]);
                values.Add(saved.Values[i]);
            }
        }

        engine.Resume(state.ClosedUpToTicks, CollectionsMarshal.AsSpan(series), CollectionsMarshal.AsSpan(ticks), CollectionsMarshal.AsSpan(values));
        LogResumed(logger, state.Series.Count, path, state.SavedAt, new DateTimeOffset(engine.OpenSinceTicks, TimeSpan.Zero));
    }

    /// <summary>Writes the readings of the windows still open to the state file, for the next start.</summary>
    private void KeepOpenWindows(RollupEngine engine)
    {
        var path = options.StateFile;
        var since = engine.OpenSinceTicks;
        if (string.IsNullOrEmpty(path) || since == long.MinValue)
        {
            return;
        }

        var kept = new List<RollupSeriesState>();
        var ticks = new List<long>();
        var values = new List<double>();
        foreach (var s in engine.Series)
        {
            ticks.Clear();
            values.Clear();
            engine.CopyReadings(s, since, ticks, values);
            kept.Add(new RollupSeriesState(catalog[new SeriesId(s)], firstTicks[s], [.. ticks], [.. values]));
        }

        try
        {
            RollupStateFile.Write(path, new RollupState(timeProvider.GetUtcNow(), engine.ClosedUpToTicks, kept));
            LogKept(logger, kept.Count, path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogStateUnusable(logger, exception, path);
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

    private void Append(RollupEngine engine, RollupOutput item, List<Reading> readings)
    {
        var result = item.Result;

        // The window this process first saw a series in may have lost its first readings to a restart: never
        // reported, so that a short window never replaces a complete one in InfluxDB.
        if (result.WindowStartTicks <= engine.WindowStartOf(item.Window, firstTicks[result.Series]))
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollups: windows {Windows}, measurements {Measurements}")]
    private static partial void LogStarted(ILogger logger, string windows, string measurements);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollups: resumed the open windows of {Count} series from {File} (saved {SavedAt:O}, windows since {OpenSince:O})")]
    private static partial void LogResumed(ILogger logger, int count, string file, DateTimeOffset savedAt, DateTimeOffset openSince);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollups: the open windows of {Count} series are kept in {File} for the next start")]
    private static partial void LogKept(ILogger logger, int count, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollups: the stop came in the middle of a batch; the open windows are not kept, and the first window of each series after the next start is not reported")]
    private static partial void LogOpenWindowsNotKept(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollups: the state file {File} is damaged ({Problem}) and was removed; the first window of each series after this start is not reported")]
    private static partial void LogStateDamaged(ILogger logger, string file, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollups: the state file {File} cannot be read, written or removed; the first window of each series after a start without it is not reported")]
    private static partial void LogStateUnusable(ILogger logger, Exception exception, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollups: the first {Window} window of a {Measurement} series since the gateway started is not reported, it may miss readings ({Count} so far)")]
    private static partial void LogSkipped(ILogger logger, string measurement, string window, long count);
}
