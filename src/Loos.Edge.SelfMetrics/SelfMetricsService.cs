using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.SelfMetrics;

/// <summary>
/// Writes the gateway's own state through the buffer every <see cref="SelfMetricsSettings.Interval"/>, so that it is
/// kept while the targets are down and forwarded with everything else (<see cref="SelfMetricsPoint"/>). It reads what
/// the health endpoint reads, once per sample; the buffer's accepted readings and appended bytes are counted by its
/// writer at each commit, under the lock it takes there already. The counters continue across restarts from the totals
/// in <see cref="SelfMetricsSettings.StateFile"/>, written before a point is appended at most every
/// <see cref="SelfMetricsSettings.StateWriteInterval"/> (a file replaced and fsynced wears an SD card) and at a clean
/// stop: after a crash or power cut the counters continue from totals up to that old, and step back by what was
/// counted since, which a graph of their increase takes as a counter reset.
/// </summary>
internal sealed partial class SelfMetricsService : BackgroundService
{
    /// <summary>The span of the append rate that the hours left are computed from.</summary>
    internal static readonly TimeSpan RateWindow = TimeSpan.FromHours(1);

    private readonly SelfMetricsSettings settings;
    private readonly SelfMetricsSources sources;
    private readonly IReadingSink sink;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly SelfMetricsPoint point;
    private readonly AppendRate rate = new(RateWindow);
    private readonly CounterTotals previousRuns;
    private readonly long startTimestamp;

    // Started with the service, so that the first point comes one interval after the start whenever the loop begins.
    private readonly PeriodicTimer timer;

    // Readings of the gateway's own points the buffer refused; read at stop from another thread.
    private long ownDropped;

    // The buffer takes a batch off its evicted count when the batch was read just before its segment went and was
    // delivered after all; the counter holds its highest value instead, as a counter never goes back.
    private long highestEvicted;
    private bool stateWriteFailing;
    private long? stateWrittenTimestamp;

    /// <exception cref="InvalidDataException">The state file was written by a newer gateway.</exception>
    public SelfMetricsService(SelfMetricsSettings settings, SelfMetricsSources sources, IReadingSink sink, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger<SelfMetricsService> logger)
    {
        this.settings = settings;
        this.sources = sources;
        this.sink = sink;
        this.timeProvider = timeProvider;
        this.logger = logger;
        point = new SelfMetricsPoint(catalog, settings.Site);
        startTimestamp = timeProvider.GetTimestamp();
        previousRuns = SelfMetricsStateFile.Read(settings.StateFile, reason => LogStateDamaged(logger, settings.StateFile, reason));
        highestEvicted = previousRuns.EvictedReadings;
        rate.Add(timeProvider.GetUtcNow(), sources.Buffer.GetStatistics().AppendedBytes);
        timer = new PeriodicTimer(settings.Interval, timeProvider);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, settings.Interval, settings.StateFile);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SampleAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // What was counted since the last point is kept too, so that the next start continues from it.
        SaveTotals(Totals(sources.Buffer.GetStatistics(), Targets(), Devices()));
    }

    public override void Dispose()
    {
        timer.Dispose();
        base.Dispose();
    }

    /// <summary>Samples once and appends the point; a point the buffer refuses is counted as dropped.</summary>
    internal async Task SampleAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var buffer = sources.Buffer.GetStatistics();
        var targets = Targets();
        var devices = Devices();
        var totals = Totals(buffer, targets, devices);
        rate.Add(now, buffer.AppendedBytes);

        var clock = sources.ClockMonitor?.GetClockStatus();
        point.Start(now);
        point.AddGateway(
            totals,
            buffer,
            rate.HoursLeft(buffer.CapBytes - buffer.BytesOnDisk),
            sources.Broker?.IsConnected,
            clock?.Synchronised ?? sources.Clock.WhyNotTrusted() is null,
            clock?.HeldReadings,
            sources.Process(),
            timeProvider.GetElapsedTime(startTimestamp));
        foreach (var target in targets)
        {
            point.AddTarget(target, totals.Targets[target.Name]);
        }

        foreach (var source in devices.GroupBy(d => d.Bus, StringComparer.Ordinal))
        {
            point.AddDevices(source.Key, source);
        }

        // The totals go to disk before the point that shows them, so that after a clean stop no value written exceeds
        // what the next start continues from; between writes a crash may cost the last interval's counts.
        if (stateWrittenTimestamp is not { } written || timeProvider.GetElapsedTime(written) >= settings.StateWriteInterval)
        {
            SaveTotals(totals);
        }

        var readings = point.ToArray();
        try
        {
            await sink.AppendAsync(readings, AppendDurability.Written, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is BufferFullException or BufferAppendTooLargeException or IOException)
        {
            Interlocked.Add(ref ownDropped, readings.Length);
            LogAppendRefused(logger, readings.Length, exception.Message);
        }
    }

    private CounterTotals Totals(BufferStatistics buffer, IReadOnlyList<TargetStatus> targets, IReadOnlyList<DeviceStatus> devices)
    {
        var perTarget = new Dictionary<string, TargetTotals>(previousRuns.Targets, StringComparer.Ordinal);
        foreach (var target in targets)
        {
            var before = previousRuns.Targets.GetValueOrDefault(target.Name);
            perTarget[target.Name] = new TargetTotals(before.ForwardedReadings + target.ForwardedReadings, before.DeadLetteredReadings + target.DeadLetteredReadings);
        }

        highestEvicted = Math.Max(highestEvicted, buffer.EvictedReadings);
        return new CounterTotals(
            previousRuns.AcceptedReadings + buffer.AcceptedReadings,
            previousRuns.DroppedReadings + devices.Sum(d => d.DroppedReadings) + Interlocked.Read(ref ownDropped),
            highestEvicted,
            perTarget);
    }

    private IReadOnlyList<TargetStatus> Targets() => sources.Forwarder?.GetTargets() ?? [];

    private List<DeviceStatus> Devices() => [.. sources.Devices.SelectMany(d => d.GetDevices())];

    private void SaveTotals(CounterTotals totals)
    {
        try
        {
            SelfMetricsStateFile.Write(settings.StateFile, totals);
            stateWrittenTimestamp = timeProvider.GetTimestamp();
            if (stateWriteFailing)
            {
                stateWriteFailing = false;
                LogStateWritten(logger, settings.StateFile);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Once per outage: the buffer reports a failing disk on its own.
            if (!stateWriteFailing)
            {
                stateWriteFailing = true;
                LogStateWriteFailed(logger, settings.StateFile, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Self-metrics: the gateway's state is written every {Interval}; counters continue from {StateFile}")]
    private static partial void LogStarted(ILogger logger, TimeSpan interval, string stateFile);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Self-metrics: the buffer refused the gateway's own {Count} readings, counted as dropped: {Reason}")]
    private static partial void LogAppendRefused(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Self-metrics: {StateFile} is damaged ({Reason}); the counters start again from 0")]
    private static partial void LogStateDamaged(ILogger logger, string stateFile, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Self-metrics: the counters' totals cannot be written to {StateFile}: {Reason}; a restart now would continue from the last totals written")]
    private static partial void LogStateWriteFailed(ILogger logger, string stateFile, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Self-metrics: the counters' totals are written to {StateFile} again")]
    private static partial void LogStateWritten(ILogger logger, string stateFile);
}
