using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Gpio.Sensors;

/// <summary>Runs one poller per 1-Wire bus master and per I²C bus until the host stops.</summary>
internal sealed class SensorPollingService(
    GpioOptions options,
    ISensorReaderFactory readerFactory,
    IReadingSink sink,
    ISeriesCatalog catalog,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : BackgroundService, IDeviceMonitor
{
    private volatile IReadOnlyList<SensorBusPoller> running = [];

    /// <summary>Every sensor and whether it answers; empty before polling starts.</summary>
    public IReadOnlyList<DeviceStatus> GetDevices() => [.. running.SelectMany(poller => poller.DeviceStatuses)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var problems = new ConfigurationProblems();
        var plans = SensorPlanner.Plan(options, problems);
        if (problems.Count > 0)
        {
            // The site file is checked when it is loaded; reaching this means the options changed or were never checked.
            throw new InvalidOperationException("The gpio:sensors section is not valid: " + string.Join("; ", problems));
        }

        var logger = loggerFactory.CreateLogger<SensorPollingService>();
        var pollers = new List<SensorBusPoller>();
        try
        {
            foreach (var bus in plans.GroupBy(p => p.Bus, StringComparer.Ordinal))
            {
                pollers.Add(new SensorBusPoller(bus.Key, [.. bus], readerFactory, sink, catalog, timeProvider, logger));
            }

            running = pollers;

            // A bus' reads block (a 1-Wire conversion takes 750 ms): each bus polls on its own thread-pool thread.
            await Task.WhenAll(pollers.Select(p => Task.Run(() => p.RunAsync(stoppingToken), CancellationToken.None))).ConfigureAwait(false);
        }
        finally
        {
            running = [];
            foreach (var poller in pollers)
            {
                poller.Dispose();
            }
        }
    }
}
