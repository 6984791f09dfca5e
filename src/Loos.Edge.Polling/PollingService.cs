using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;

namespace Loos.Edge.Polling;

/// <summary>
/// The hosted service of a polled source: plans its site-file section into pollers, runs each poller on its own
/// thread-pool thread until the host stops (a reader may block, as a 1-Wire conversion does), shows their devices in
/// health while they run, and disposes them at stop.
/// </summary>
/// <typeparam name="TPoller">The source's poll loop.</typeparam>
/// <param name="section">The site-file section, for the message when it is not valid: <c>modbus</c>.</param>
public abstract class PollingService<TPoller>(string section) : BackgroundService, IDeviceMonitor, ILoopProgressSource
    where TPoller : class, IPoller
{
    private volatile IReadOnlyList<TPoller> running = [];

    /// <summary>Every polled device and whether it answers; empty before polling starts.</summary>
    public IReadOnlyList<DeviceStatus> GetDevices() => [.. running.SelectMany(poller => poller.DeviceStatuses)];

    /// <summary>The poll loops running now, for the watchdog.</summary>
    public IEnumerable<LoopProgress> Loops => running.Select(poller => poller.Progress);

    /// <summary>Plans the section; adds to <paramref name="problems"/> what is wrong with it, else returns the pollers to run.</summary>
    protected abstract IReadOnlyList<TPoller> CreatePollers(ConfigurationProblems problems);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var problems = new ConfigurationProblems();
        var pollers = CreatePollers(problems);
        try
        {
            if (problems.Count > 0)
            {
                // The site file is checked when it is loaded; reaching this means the options changed or were never checked.
                throw new InvalidOperationException($"The {section} section is not valid: " + string.Join("; ", problems));
            }

            running = pollers;
            await Task.WhenAll(pollers.Select(p => Task.Run(() => p.RunAsync(stoppingToken), CancellationToken.None))).ConfigureAwait(false);
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
