using System.Globalization;
using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Hosting;

/// <summary>
/// Tells systemd the gateway makes progress: <c>WATCHDOG=1</c> every half watchdog timeout, only while every loop
/// (poll loops, the buffer's writer, each forwarding target's call) is back by the deadline it promised, give or take
/// the grace. A loop later than that is wedged: the heartbeat stops, the log names the loop, health shows it as an
/// <c>overdue</c> device of the bus <c>watchdog</c>, and systemd restarts the gateway once its timeout runs out.
/// </summary>
internal sealed partial class GatewayWatchdog : BackgroundService, IDeviceMonitor
{
    /// <summary>The grace when systemd does not watch the gateway: health still shows a wedged loop.</summary>
    private static readonly TimeSpan UnwatchedGrace = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyList<ILoopProgressSource> sources;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly SystemdNotifier? notifier;
    private readonly TimeSpan grace;

    public GatewayWatchdog(IEnumerable<ILoopProgressSource> sources, TimeProvider timeProvider, ILogger<GatewayWatchdog> logger)
    {
        this.sources = [.. sources];
        this.timeProvider = timeProvider;
        this.logger = logger;
        var timeout = SystemdNotifier.WatchdogTimeout();
        notifier = timeout is null ? null : SystemdNotifier.FromEnvironment();

        // A loop may be as late as systemd tolerates silence: a 30 s watchdog restarts a loop stuck 30 s past its promise.
        grace = notifier is null ? UnwatchedGrace : timeout!.Value;
    }

    /// <summary>The loops overdue now, one device each; none while all make progress.</summary>
    public IReadOnlyList<DeviceStatus> GetDevices()
    {
        return [.. Overdue().Select(loop => new DeviceStatus(
            "watchdog",
            loop.Name,
            Answering: false,
            State: "overdue",
            Detail: string.Create(CultureInfo.InvariantCulture, $"{loop.Lateness()?.TotalSeconds:0} s late to come round again")))];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = grace / 2;
        var wedged = string.Empty;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var overdue = string.Join(", ", Overdue().Select(loop => loop.Name));
                if (overdue.Length == 0)
                {
                    notifier?.Notify("WATCHDOG=1");
                    if (wedged.Length > 0)
                    {
                        LogProgressing(logger, wedged);
                    }
                }
                else if (overdue != wedged)
                {
                    LogOverdue(logger, overdue, grace.TotalSeconds);
                }

                wedged = overdue;
                await Task.Delay(interval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            notifier?.Dispose();
        }
    }

    private IEnumerable<LoopProgress> Overdue() =>
        sources.SelectMany(source => source.Loops).Where(loop => loop.Lateness() > grace);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Watchdog: {Loops} did not come round within {GraceSeconds} s of its deadline; the heartbeat to systemd stops, which restarts the gateway")]
    private static partial void LogOverdue(ILogger logger, string loops, double graceSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watchdog: {Loops} came round again; the heartbeat to systemd goes on")]
    private static partial void LogProgressing(ILogger logger, string loops);
}
