using Loos.Edge.Core;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Modbus.Polling;

/// <summary>Runs one poller per configured bus until the host stops.</summary>
internal sealed class ModbusPollingService(ModbusOptions options, IModbusClientFactory clientFactory, IReadingSink sink, ISeriesCatalog catalog, TimeProvider timeProvider, ILoggerFactory loggerFactory, IEnumerable<IModbusDeviceDiscovery> discoveries)
    : PollingService<ModbusBusPoller>(ModbusOptions.SectionName)
{
    protected override IReadOnlyList<ModbusBusPoller> CreatePollers(ConfigurationProblems problems)
    {
        var plans = ModbusPlanner.Plan(options, problems);
        if (problems.Count > 0)
        {
            return [];
        }

        var discovery = discoveries.LastOrDefault();
        if (discovery is null && plans.SelectMany(p => p.Devices).FirstOrDefault(d => d.Discovery is not null) is { } device)
        {
            throw new InvalidOperationException($"Modbus device {device.Name} has sunspec: true, but SunSpec discovery is not registered (AddSunSpecDiscovery).");
        }

        var logger = loggerFactory.CreateLogger<ModbusPollingService>();
        return [.. plans.Where(p => p.Devices.Count > 0).Select(plan =>
            new ModbusBusPoller(plan, [.. Enumerable.Range(0, plan.Options.Concurrency).Select(_ => clientFactory.Create(plan.Options))], sink, catalog, timeProvider, logger, discovery))];
    }
}
