using Microsoft.Extensions.Hosting;

namespace Loos.Edge.Forwarding.Clock;

/// <summary>Starts the clock gate before the sources, then asks the clock every second until it is synchronised.</summary>
internal sealed class ClockGateService(ClockGate gate, TimeProvider timeProvider) : BackgroundService
{
    /// <summary>A file test and a system call: cheap enough to notice synchronisation within a second.</summary>
    internal static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await gate.StartAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!await gate.CheckAsync(stoppingToken))
            {
                await Task.Delay(CheckInterval, timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is held stays on disk for the next run.
        }
    }
}
