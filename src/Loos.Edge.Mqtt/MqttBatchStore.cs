using Loos.Edge.Core;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Loos.Edge.Mqtt;

/// <summary>
/// Writes a batch's readings to the buffer, with the note of its messages' identities where the buffer keeps delivery
/// notes (<see cref="IDeliveryJournal"/>). While the buffer refuses (full, or failing), the batch stays unacknowledged
/// and is tried again by a Polly retry pipeline: after the buffer's <see cref="BufferFullException.RetryAfter"/> when
/// full, after <see cref="AppendRetryDelay"/> otherwise. Used by the one loop that processes batches.
/// </summary>
internal sealed partial class MqttBatchStore
{
    /// <summary>The wait before another append of a batch that failed for a reason other than a full buffer.</summary>
    private static readonly TimeSpan AppendRetryDelay = TimeSpan.FromSeconds(1);

    private readonly IReadingSink sink;
    private readonly Func<int> currentGeneration;
    private readonly ILogger logger;
    private readonly ResiliencePipeline pipeline;

    // The batch being appended: one at a time.
    private Reading[] readings = [];
    private byte[] note = [];
    private int generation;
    private int refusals;

    public MqttBatchStore(IReadingSink sink, Func<int> currentGeneration, TimeProvider timeProvider, ILogger logger)
    {
        this.sink = sink;
        this.currentGeneration = currentGeneration;
        this.logger = logger;
        Journal = sink as IDeliveryJournal;
        pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is { } exception
                    && exception is not OutOfMemoryException
                    && !(exception is OperationCanceledException && arguments.Context.CancellationToken.IsCancellationRequested)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                DelayGenerator = arguments => ValueTask.FromResult<TimeSpan?>(arguments.Outcome.Exception is BufferFullException full ? full.RetryAfter : AppendRetryDelay),
                OnRetry = arguments =>
                {
                    if (refusals++ == 0)
                    {
                        if (arguments.Outcome.Exception is BufferFullException)
                        {
                            LogBufferFull(logger, readings.Length, arguments.RetryDelay);
                        }
                        else
                        {
                            LogAppendFailed(logger, arguments.Outcome.Exception!, readings.Length, arguments.RetryDelay);
                        }
                    }

                    return default;
                },
            })
            .Build();
    }

    /// <summary>The buffer's delivery notes, if it keeps them.</summary>
    public IDeliveryJournal? Journal { get; }

    /// <summary>
    /// Appends <paramref name="batch"/> until durable; true then. False when the connection the batch came on
    /// (<paramref name="batchGeneration"/>) was lost during a wait, or the gateway stops before the batch is durable,
    /// leaving the messages to the broker.
    /// </summary>
    public async ValueTask<bool> AppendAsync(List<Reading> batch, List<(ushort PacketIdentifier, ulong Hash)> identities, int batchGeneration, CancellationToken stoppingToken)
    {
        if (batch.Count == 0)
        {
            return true;
        }

        readings = batch.ToArray();
        // Messages without an identity (QoS 0) are never delivered again: no note for them, 17 bytes each on disk.
        note = Journal is null || identities.Count == 0 ? [] : StoredMessages.Note(identities);
        generation = batchGeneration;
        refusals = 0;
        try
        {
            return await pipeline.ExecuteAsync(static (store, _) => store.AppendOnceAsync(), this, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async ValueTask<bool> AppendOnceAsync()
    {
        if (refusals > 0 && currentGeneration() != generation)
        {
            return false;
        }

        // Not cancelled by the stop: a batch being written is finished and acknowledged, so it is not sent twice.
        if (Journal is null)
        {
            await sink.AppendAsync(readings, AppendDurability.Written, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await Journal.AppendAsync(readings, note, AppendDurability.Written, CancellationToken.None).ConfigureAwait(false);
        }

        if (refusals > 0)
        {
            LogBufferAcceptsAgain(logger, refusals);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT: the buffer is full; {Readings} reading(s) stay unacknowledged with the broker, trying again every {Wait}")]
    private static partial void LogBufferFull(ILogger logger, int readings, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Error, Message = "MQTT: appending {Readings} reading(s) failed; they stay unacknowledged with the broker, trying again every {Wait}")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, int readings, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT: the buffer accepts readings again after {Refusals} refusal(s)")]
    private static partial void LogBufferAcceptsAgain(ILogger logger, int refusals);
}
