using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.MBus.Polling;

/// <summary>Runs one poller per configured line until the host stops.</summary>
internal sealed class MBusPollingService(
    MBusOptions options,
    IMBusMeterReaderFactory readerFactory,
    IReadingSink sink,
    ISeriesCatalog catalog,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : BackgroundService, IDeviceMonitor
{
    private volatile IReadOnlyList<MBusLinePoller> running = [];

    /// <summary>Every polled meter and whether it answers; empty before polling starts.</summary>
    public IReadOnlyList<DeviceStatus> GetDevices() => [.. running.SelectMany(poller => poller.DeviceStatuses)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var problems = new ConfigurationProblems();
        var plans = MBusPlanner.Plan(options, problems);
        if (problems.Count > 0)
        {
            // The validator runs at start; reaching this means the options changed or were never validated.
            throw new InvalidOperationException("The mbus section is not valid: " + string.Join("; ", problems));
        }

        var logger = loggerFactory.CreateLogger<MBusPollingService>();
        var pollers = new List<MBusLinePoller>();
        try
        {
            foreach (var plan in plans.Where(p => p.Meters.Count > 0))
            {
                pollers.Add(new MBusLinePoller(plan, readerFactory.Create(plan.Options.Name, plan.Master), sink, catalog, timeProvider, logger));
            }

            running = pollers;
            await Task.WhenAll(pollers.Select(p => p.RunAsync(stoppingToken))).ConfigureAwait(false);
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
