using System.Buffers;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Loos.Edge.Core;
using Loos.Edge.Mqtt.Mapping;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Loos.Edge.Mqtt;

/// <summary>
/// Takes the received messages in batches (those that arrive within <c>batchWindow</c> of the first, or while the previous
/// batch was written, so that one record and one write serve many), maps them to readings, stores them
/// (<see cref="MqttBatchStore"/>) and then acknowledges them (<see cref="MqttAcknowledger"/>). A message the broker
/// delivers again after its readings were stored is recognised (<see cref="StoredMessages"/>) and acknowledged without
/// storing it twice.
/// </summary>
internal sealed partial class MqttMessageProcessor(
    MqttBatchStore store,
    MqttAcknowledger acknowledger,
    Func<int> currentGeneration,
    ISeriesCatalog catalog,
    TimeSpan badPayloadLogInterval,
    TimeSpan batchWindow,
    TimeProvider timeProvider,
    ILogger logger)
{
    private readonly IntervalCounter badPayloads = new(badPayloadLogInterval, timeProvider);
    private readonly ReceiveTimeStamper stamper = ReceiveTimeStamper.For(catalog);
    private readonly Channel<ReceivedMessage> received = Channel.CreateUnbounded<ReceivedMessage>(new UnboundedChannelOptions { SingleReader = true });
    private long redeliveriesSkipped;

    // Completed by the receiver once a full batch is queued, while the processor gathers one; null otherwise.
    private TaskCompletionSource? batchFull;

    // Messages in the channel (a single-reader channel does not count them); Interlocked.
    private int queuedMessages;

    /// <summary>Every topic that sent payloads its mapping does not match, with how many.</summary>
    public IReadOnlyDictionary<string, long> BadPayloadCounts => badPayloads.Totals;

    /// <summary>How many redelivered messages were acknowledged without storing them again.</summary>
    public long RedeliveriesSkipped => Interlocked.Read(ref redeliveriesSkipped);

    /// <summary>Queues a message from the client, unacknowledged: it is acknowledged once durable.</summary>
    public Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs message)
    {
        // The payload is copied: the client may reuse its buffer.
        message.AutoAcknowledge = false;
        var payload = message.ApplicationMessage.Payload.ToArray();
        received.Writer.TryWrite(new ReceivedMessage(
            message,
            message.ApplicationMessage.Topic,
            payload,
            timeProvider.GetUtcNow(),
            message.PacketIdentifier,
            message.ApplicationMessage.Dup,
            currentGeneration()));
        if (Interlocked.Increment(ref queuedMessages) >= MqttSourceService.ReceiveMaximum)
        {
            Volatile.Read(ref batchFull)?.TrySetResult();
        }

        return Task.CompletedTask;
    }

    /// <summary>Maps, stores and acknowledges batches of received messages until stopped.</summary>
    public async Task ProcessAsync(MqttPayloadMapper mapper, CancellationToken stoppingToken)
    {
        var batch = new List<ReceivedMessage>(MqttSourceService.ReceiveMaximum);
        var readings = new List<Reading>();
        var identities = new List<(ushort PacketIdentifier, ulong Hash)>(MqttSourceService.ReceiveMaximum);
        var journal = store.Journal;
        var stored = new StoredMessages(MqttSourceService.ReceiveMaximum);
        if (journal is not null)
        {
            stored.Load(journal.RecoveredDeliveryNotes);
        }

        var reader = received.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await GatherAsync(stoppingToken).ConfigureAwait(false);
                batch.Clear();
                readings.Clear();
                identities.Clear();
                var skipped = 0;
                var current = currentGeneration();
                while (batch.Count < MqttSourceService.ReceiveMaximum && reader.TryRead(out var message))
                {
                    Interlocked.Decrement(ref queuedMessages);
                    // Messages of a lost connection are skipped unacknowledged: the broker delivers them again.
                    if (message.Generation != current)
                    {
                        continue;
                    }

                    // Still acknowledged in the order received, with the batch.
                    batch.Add(message);
                    var hash = journal is null ? 0 : StoredMessages.Hash(message.Topic, message.Payload);
                    if (journal is not null && stored.IsStoredRedelivery(message.PacketIdentifier, message.Duplicate, hash))
                    {
                        skipped++;
                        continue;
                    }

                    var before = readings.Count;
                    Map(mapper, message, readings);
                    if (journal is not null && readings.Count > before && message.PacketIdentifier != 0)
                    {
                        identities.Add((message.PacketIdentifier, hash));
                    }
                }

                if (batch.Count > 0 && await store.AppendAsync(readings, identities, current, stoppingToken).ConfigureAwait(false))
                {
                    stored.Stored(identities);
                    if (skipped > 0)
                    {
                        Interlocked.Add(ref redeliveriesSkipped, skipped);
                        LogRedeliveriesSkipped(logger, skipped);
                    }

                    await acknowledger.AcknowledgeAsync(batch).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // What is left in the channel is not acknowledged; the broker keeps it for the next connection.
        }
    }

    /// <summary>Waits, after a first message, for the batch window to pass or a full batch to be queued.</summary>
    private async Task GatherAsync(CancellationToken stoppingToken)
    {
        if (batchWindow <= TimeSpan.Zero || Volatile.Read(ref queuedMessages) >= MqttSourceService.ReceiveMaximum)
        {
            return;
        }

        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref batchFull, full);
        try
        {
            // Checked again once the signal is set: a message may have filled the batch just before.
            if (Volatile.Read(ref queuedMessages) < MqttSourceService.ReceiveMaximum)
            {
                await full.Task.WaitAsync(batchWindow, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            Volatile.Write(ref batchFull, null);
        }
    }

    private void Map(MqttPayloadMapper mapper, ReceivedMessage message, List<Reading> readings)
    {
        string? problem;
        var before = readings.Count;
        bool mapped;
        try
        {
            mapped = mapper.TryMap(message.Topic, new ReadOnlySequence<byte>(message.Payload), ReceiveTimeStamper.Unstamped, readings, out problem);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A mapping bug must not stop the subscription: the message counts as bad, the others go on.
            mapped = false;
            problem = $"the mapping failed: {exception.Message}";
        }

        if (mapped)
        {
            stamper.Stamp(CollectionsMarshal.AsSpan(readings)[before..], message.ReceivedAt);
        }
        else
        {
            readings.RemoveRange(before, readings.Count - before);
            if (badPayloads.Count(message.Topic, out var sinceLastLog))
            {
                LogBadPayload(logger, message.Topic, problem ?? "no reason given", sinceLastLog, badPayloadLogInterval);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT: payload on {Topic} does not match its mapping: {Problem} ({Count} such payload(s) on this topic since the last report; reported at most every {Interval})")]
    private static partial void LogBadPayload(ILogger logger, string topic, string problem, long count, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT: {Count} message(s) delivered again by the broker were already stored; acknowledged without storing them twice")]
    private static partial void LogRedeliveriesSkipped(ILogger logger, int count);
}
