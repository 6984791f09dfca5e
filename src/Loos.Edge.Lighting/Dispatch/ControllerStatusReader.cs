using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;

namespace Loos.Edge.Lighting.Dispatch;

/// <summary>
/// Feeds <see cref="ControllerStatus"/> from the buffer, as a consumer of its own (<c>lighting</c>): the controllers'
/// status reaches the lighting by the same path as every reading, whichever source took it.
/// </summary>
internal sealed class ControllerStatusReader(IReadingLog log, ControllerStatus status, TimeProvider timeProvider) : BackgroundService
{
    /// <summary>The buffer consumer's name.</summary>
    public const string ConsumerName = "lighting";

    /// <summary>How long a reading may wait before the status sees it: well under a command's confirmation timeout.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(100);

    private const int BatchSize = 4096;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var consumer = log.OpenConsumer(ConsumerName);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var batch = await consumer.ReadAsync(BatchSize, MaxWait, stoppingToken).ConfigureAwait(false);
                status.Take(batch.Readings.Span, timeProvider.GetUtcNow());
                await consumer.AcknowledgeAsync(batch, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
