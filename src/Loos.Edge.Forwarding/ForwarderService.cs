using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Forwarding;

/// <summary>Runs one forwarding loop per configured target until the host stops.</summary>
internal sealed class ForwarderService(
    IOptions<ForwarderOptions> options,
    IReadingLog readingLog,
    ISeriesCatalog catalog,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    ForwarderMonitor monitor) : BackgroundService, ILoopProgressSource
{
    /// <summary>How long a write in flight at shutdown may still finish; well inside the host's default 30 s shutdown timeout.</summary>
    internal static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    private volatile IReadOnlyList<TargetForwarder> running = [];

    /// <summary>Each target's loop, for the watchdog.</summary>
    public IEnumerable<LoopProgress> Loops => running.Select(forwarder => forwarder.Progress);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = loggerFactory.CreateLogger("Loos.Edge.Forwarding");
        var forwarders = new List<TargetForwarder>();
        try
        {
            foreach (var target in options.Value.Targets)
            {
                var deadLetterFile = options.Value.ResolveDeadLetterFile(target)
                    ?? throw new InvalidOperationException($"Target '{target.Name}' has no dead-letter file; set forwarder:deadLetterDirectory.");
                var endpoint = ForwarderServiceCollectionExtensions.DescribeEndpoint(target);
                forwarders.Add(new TargetForwarder(
                    target,
                    deadLetterFile,
                    readingLog.OpenConsumer(target.Name),
                    catalog,
                    timeProvider,
                    logger,
                    monitor.GetOrAdd(target.Name, endpoint),
                    ShutdownGrace));
            }

            running = [.. forwarders];

            // Each target on its own task: a slow or failing server never holds back another.
            await Task.WhenAll(forwarders.Select(f => Task.Run(() => f.RunAsync(stoppingToken), CancellationToken.None)));
        }
        finally
        {
            running = [];
            foreach (var forwarder in forwarders)
            {
                forwarder.Dispose();
            }
        }
    }
}
