using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Modbus.Polling;

/// <summary>Runs one poller per configured bus until the host stops.</summary>
internal sealed class ModbusPollingService(
    ModbusOptions options,
    IModbusClientFactory clientFactory,
    IReadingSink sink,
    ISeriesCatalog catalog,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    IEnumerable<IModbusDeviceDiscovery> discoveries) : BackgroundService, IDeviceMonitor
{
    private volatile IReadOnlyList<ModbusBusPoller> running = [];

    /// <summary>Every polled device and whether it answers; empty before polling starts.</summary>
    public IReadOnlyList<DeviceStatus> GetDevices() => [.. running.SelectMany(poller => poller.DeviceStatuses)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var problems = new ConfigurationProblems();
        var plans = ModbusPlanner.Plan(options, problems);
        if (problems.Count > 0)
        {
            // The validator runs at start; reaching this means the options changed or were never validated.
            throw new InvalidOperationException("The modbus section is not valid: " + string.Join("; ", problems));
        }

        var discovery = discoveries.LastOrDefault();
        if (discovery is null && plans.SelectMany(p => p.Devices).FirstOrDefault(d => d.Discovery is not null) is { } device)
        {
            throw new InvalidOperationException($"Modbus device {device.Name} has sunspec: true, but SunSpec discovery is not registered (AddSunSpecDiscovery).");
        }

        var logger = loggerFactory.CreateLogger<ModbusPollingService>();
        var pollers = new List<ModbusBusPoller>();
        try
        {
            foreach (var plan in plans.Where(p => p.Devices.Count > 0))
            {
                var clients = Enumerable.Range(0, plan.Options.Concurrency).Select(_ => clientFactory.Create(plan.Options)).ToList();
                pollers.Add(new ModbusBusPoller(plan, clients, sink, catalog, timeProvider, logger, discovery));
            }

            running = pollers;
            await Task.WhenAll(pollers.Select(p => p.RunAsync(stoppingToken))).ConfigureAwait(false);
        }
        finally
        {
            running = [];
            foreach (var poller in pollers)
            {
                await poller.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
