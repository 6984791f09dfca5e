using Loos.Edge.Core;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.MBus.Polling;

/// <summary>Runs one poller per configured line until the host stops.</summary>
internal sealed class MBusPollingService(MBusOptions options, IMBusMeterReaderFactory readerFactory, IReadingSink sink, ISeriesCatalog catalog, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    : PollingService<MBusLinePoller>(MBusOptions.SectionName)
{
    protected override IReadOnlyList<MBusLinePoller> CreatePollers(ConfigurationProblems problems)
    {
        var plans = MBusPlanner.Plan(options, problems);
        var logger = loggerFactory.CreateLogger<MBusPollingService>();
        return problems.Count > 0 ? [] : [.. plans.Where(p => p.Meters.Count > 0).Select(plan => new MBusLinePoller(plan, readerFactory.Create(plan.Options.Name, plan.Master), sink, catalog, timeProvider, logger))];
    }
}
