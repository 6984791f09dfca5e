using Loos.Edge.Core;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Gpio.Sensors;

/// <summary>Runs one poller per 1-Wire bus master and per I²C bus until the host stops.</summary>
internal sealed class SensorPollingService(GpioOptions options, ISensorReaderFactory readerFactory, IReadingSink sink, ISeriesCatalog catalog, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    : PollingService<SensorBusPoller>(GpioOptions.SectionName + ":sensors")
{
    protected override IReadOnlyList<SensorBusPoller> CreatePollers(ConfigurationProblems problems)
    {
        var plans = SensorPlanner.Plan(options, problems);
        var logger = loggerFactory.CreateLogger<SensorPollingService>();
        return problems.Count > 0 ? [] : [.. plans.GroupBy(p => p.Bus, StringComparer.Ordinal).Select(bus => new SensorBusPoller(bus.Key, [.. bus], readerFactory, sink, catalog, timeProvider, logger))];
    }
}
