using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Simulation;

/// <summary>
/// Reads the simulated devices on every interval tick, aligned to the wall clock, and appends the readings to
/// the buffer; with a <see cref="SimulationOptions.History"/>, first writes the hourly readings of that past.
/// Counters integrate the simulated power over time (<see cref="SimulatedCounter"/>), so they only ever rise.
/// </summary>
internal sealed partial class SimulatedDevices : BackgroundService
{
    private static readonly TimeSpan HistoryStep = TimeSpan.FromHours(1);

    /// <summary>A day of hourly readings per append: few fsyncs, and batches well under the buffer's largest append.</summary>
    private const int HistoryStepsPerAppend = 24;

    private readonly SimulationOptions options;
    private readonly SimulatedSite site;
    private readonly IReadingSink sink;
    private readonly ISeriesCatalog catalog;
    private readonly TimeProvider time;
    private readonly ILogger<SimulatedDevices> logger;

    public SimulatedDevices(
        IOptions<SimulationOptions> options,
        IReadingSink sink,
        ISeriesCatalog catalog,
        TimeProvider time,
        ILogger<SimulatedDevices> logger)
    {
        this.options = options.Value;
        site = new SimulatedSite(this.options);
        this.sink = sink;
        this.catalog = catalog;
        this.time = time;
        this.logger = logger;
    }

    private readonly List<Reading> readings = [];
    private Devices? devices;

    /// <summary>
    /// Writes the history before the services listed after this one start, so that they (the heating report's
    /// first publication, the rollups) find it in the buffer.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = time.GetUtcNow();
        devices = new Devices(options, site, catalog, CounterAnchor(start, options.History));
        LogStarted(logger, options.Homes.Count, options.Interval);
        if (options.History > TimeSpan.Zero)
        {
            await WriteHistoryAsync(devices, start, cancellationToken).ConfigureAwait(false);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var devices = this.devices!;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = NextTick(time.GetUtcNow(), options.Interval);
            await Task.Delay(now - time.GetUtcNow(), time, stoppingToken).ConfigureAwait(false);

            readings.Clear();
            devices.Read(now, readings);
            await AppendAsync(readings, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>The hourly readings from the history's start up to <paramref name="start"/>, oldest first.</summary>
    private async Task WriteHistoryAsync(Devices devices, DateTimeOffset start, CancellationToken stoppingToken)
    {
        var first = NextTick(start - options.History - HistoryStep, HistoryStep);
        var hours = 0;
        for (var instant = first; instant < start && !stoppingToken.IsCancellationRequested; instant += HistoryStep)
        {
            devices.Read(instant, readings);
            if (++hours % HistoryStepsPerAppend == 0)
            {
                await AppendAsync(readings, stoppingToken).ConfigureAwait(false);
                readings.Clear();
            }
        }

        await AppendAsync(readings, stoppingToken).ConfigureAwait(false);
        readings.Clear();
        LogHistoryWritten(logger, hours, first);
    }

    private async Task AppendAsync(List<Reading> readings, CancellationToken stoppingToken)
    {
        if (readings.Count == 0)
        {
            return;
        }

        try
        {
            await sink.AppendAsync(readings.ToArray(), AppendDurability.Written, stoppingToken).ConfigureAwait(false);
        }
        catch (BufferFullException exception)
        {
            // A real device would be read again on its next tick; these readings are counted as dropped.
            LogDropped(logger, readings.Count, exception.Message);
        }
    }

    /// <summary>
    /// Where the counters start: at start without a history; with one, on 1 July (UTC) of the heating year the history
    /// begins in, so that every start in that year integrates from the same instant.
    /// </summary>
    internal static DateTimeOffset CounterAnchor(DateTimeOffset start, TimeSpan history)
    {
        if (history <= TimeSpan.Zero)
        {
            return start;
        }

        var historyStart = start - history;
        var year = historyStart.Month >= 7 ? historyStart.Year : historyStart.Year - 1;
        return new DateTimeOffset(year, 7, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The next multiple of <paramref name="interval"/> since midnight UTC, strictly after <paramref name="now"/>.</summary>
    internal static DateTimeOffset NextTick(DateTimeOffset now, TimeSpan interval)
    {
        var ticks = now.UtcTicks;
        var next = ((ticks / interval.Ticks) + 1) * interval.Ticks;
        return new DateTimeOffset(next, TimeSpan.Zero);
    }

    /// <summary>The simulated devices' series and counters, read at any instant.</summary>
    private sealed class Devices
    {
        private readonly SimulationOptions options;
        private readonly SimulatedSite site;
        private readonly SeriesId[] energyIds;
        private readonly SeriesId[] powerIds;
        private readonly SimulatedCounter[] energyCounters;
        private readonly SeriesId outdoorId;
        private readonly SeriesId inverterPowerId;
        private readonly SeriesId inverterEnergyId;
        private readonly SimulatedCounter inverterCounter;

        public Devices(SimulationOptions options, SimulatedSite site, ISeriesCatalog catalog, DateTimeOffset anchor)
        {
            this.options = options;
            this.site = site;
            var homes = options.Homes;
            energyIds = [.. homes.Select(h => catalog.Intern(SimulatedSite.HomeEnergyKey(h)))];
            powerIds = [.. homes.Select(h => catalog.Intern(SimulatedSite.HomePowerKey(h)))];
            energyCounters = [.. homes.Select(h => new SimulatedCounter(t => SimulatedSite.HeatingWatts(h, site.OutdoorCelsius(t)), anchor, h.InitialEnergyKilowattHours * 1000))];
            outdoorId = catalog.Intern(SimulatedSite.OutdoorTemperatureKey);
            inverterPowerId = catalog.Intern(SimulatedSite.InverterPowerKey);
            inverterEnergyId = catalog.Intern(SimulatedSite.InverterEnergyKey);
            inverterCounter = new SimulatedCounter(site.InverterWatts, anchor, 0);
        }

        public void Read(DateTimeOffset now, List<Reading> readings)
        {
            var outdoor = site.OutdoorCelsius(now);
            readings.Add(new Reading(outdoorId, now, Math.Round(outdoor, 2)));
            for (var i = 0; i < energyIds.Length; i++)
            {
                readings.Add(new Reading(powerIds[i], now, Math.Round(SimulatedSite.HeatingWatts(options.Homes[i], outdoor), 1)));
                readings.Add(new Reading(energyIds[i], now, Math.Round(energyCounters[i].ValueAt(now))));
            }

            if (options.InverterPeakWatts > 0)
            {
                readings.Add(new Reading(inverterPowerId, now, Math.Round(site.InverterWatts(now), 1)));
                readings.Add(new Reading(inverterEnergyId, now, Math.Round(inverterCounter.ValueAt(now))));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated devices started: {Homes} heat meters, an outdoor sensor and an inverter, read every {Interval}")]
    private static partial void LogStarted(ILogger logger, int homes, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated devices: {Hours} hours of history written, from {First:u}")]
    private static partial void LogHistoryWritten(ILogger logger, int hours, DateTimeOffset first);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated devices: {Count} readings dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, int count, string reason);
}
