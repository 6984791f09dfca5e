using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Simulation;

/// <summary>
/// Reads the simulated devices on every interval tick, aligned to the wall clock, and appends the readings to
/// the buffer. Counters integrate the simulated power over the real elapsed time, so they only ever rise.
/// </summary>
internal sealed partial class SimulatedDevices : BackgroundService
{
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var homes = options.Homes;
        var energyIds = homes.Select(h => catalog.Intern(SimulatedSite.HomeEnergyKey(h))).ToArray();
        var powerIds = homes.Select(h => catalog.Intern(SimulatedSite.HomePowerKey(h))).ToArray();
        var outdoorId = catalog.Intern(SimulatedSite.OutdoorTemperatureKey);
        var inverterPowerId = catalog.Intern(SimulatedSite.InverterPowerKey);
        var inverterEnergyId = catalog.Intern(SimulatedSite.InverterEnergyKey);
        var energyWattHours = homes.Select(h => h.InitialEnergyKilowattHours * 1000).ToArray();
        var inverterEnergyWattHours = 0.0;
        var readings = new List<Reading>(capacity: (homes.Count * 2) + 3);
        DateTimeOffset? previous = null;

        LogStarted(logger, homes.Count, options.Interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = NextTick(time.GetUtcNow(), options.Interval);
            await Task.Delay(now - time.GetUtcNow(), time, stoppingToken).ConfigureAwait(false);

            var hours = previous is { } last ? (now - last).TotalHours : 0;
            previous = now;
            var outdoor = site.OutdoorCelsius(now);
            var inverterWatts = site.InverterWatts(now);
            inverterEnergyWattHours += inverterWatts * hours;

            readings.Clear();
            readings.Add(new Reading(outdoorId, now, Math.Round(outdoor, 2)));
            for (var i = 0; i < homes.Count; i++)
            {
                var watts = SimulatedSite.HeatingWatts(homes[i], outdoor);
                energyWattHours[i] += watts * hours;
                readings.Add(new Reading(powerIds[i], now, Math.Round(watts, 1)));
                readings.Add(new Reading(energyIds[i], now, Math.Round(energyWattHours[i])));
            }

            if (options.InverterPeakWatts > 0)
            {
                readings.Add(new Reading(inverterPowerId, now, Math.Round(inverterWatts, 1)));
                readings.Add(new Reading(inverterEnergyId, now, Math.Round(inverterEnergyWattHours)));
            }

            try
            {
                await sink.AppendAsync(readings.ToArray(), stoppingToken).ConfigureAwait(false);
            }
            catch (BufferFullException exception)
            {
                // A real device would be read again on its next tick; these readings are counted as dropped.
                LogDropped(logger, readings.Count, exception.Message);
            }
        }
    }

    /// <summary>The next multiple of <paramref name="interval"/> since midnight UTC, strictly after <paramref name="now"/>.</summary>
    internal static DateTimeOffset NextTick(DateTimeOffset now, TimeSpan interval)
    {
        var ticks = now.UtcTicks;
        var next = ((ticks / interval.Ticks) + 1) * interval.Ticks;
        return new DateTimeOffset(next, TimeSpan.Zero);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated devices started: {Homes} heat meters, an outdoor sensor and an inverter, read every {Interval}")]
    private static partial void LogStarted(ILogger logger, int homes, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated devices: {Count} readings dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, int count, string reason);
}
