using System.Buffers;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Loos.Edge.Core;
using Loos.Edge.Mqtt.Mapping;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using Polly;
using Polly.Retry;

namespace Loos.Edge.Mqtt;

/// <summary>
/// Subscribes to every mapping's topic filter with QoS 1 on a persistent MQTT 5 session and turns the messages into
/// readings. A message is acknowledged to the broker only once its readings are durable in the buffer, so a message
/// is never lost between the broker and the disk: whatever is not acknowledged when the gateway stops, crashes or
/// loses the broker is delivered again by the broker on the next connection. Messages are taken in batches (all
/// those that arrived while the previous batch was written) so that one fsync serves many of them.
/// Readings whose payload has no time of its own take the receive time, kept strictly increasing per series
/// (<see cref="ReceiveTimeStamper"/>). The identities of a batch's messages are written with its readings (a
/// <see cref="IDeliveryJournal"/> note), so a message the broker delivers again after a crash between the fsync and
/// the acknowledgement is recognised and acknowledged without being stored twice (<see cref="StoredMessages"/>).
/// </summary>
internal sealed partial class MqttSourceService : BackgroundService, IDeviceMonitor
{
    /// <summary>
    /// How many QoS 1 messages the broker may have in flight to the gateway, unacknowledged (MQTT 5 Receive Maximum):
    /// the largest batch, and what the gateway holds in memory at most.
    /// </summary>
    internal const ushort ReceiveMaximum = 1000;

    /// <summary>The wait before another append of a batch that failed for a reason other than a full buffer.</summary>
    private static readonly TimeSpan AppendRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long a clean stop may spend telling the broker it goes offline.</summary>
    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(5);

    private readonly MqttOptions options;
    private readonly IReadingSink sink;
    private readonly ISeriesCatalog catalog;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly IntervalCounter badPayloads;
    private readonly ReceiveTimeStamper stamper;
    private readonly Channel<ReceivedMessage> received = Channel.CreateUnbounded<ReceivedMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock connectionGate = new();
    private TaskCompletionSource<MqttClientDisconnectedEventArgs> connectionLost = NewConnectionLost();
    private int generation;
    private volatile bool connected;
    private bool everConnected;
    private long acknowledged;
    private long redeliveriesSkipped;

    public MqttSourceService(MqttOptions options, IReadingSink sink, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger<MqttSourceService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.sink = sink;
        this.catalog = catalog;
        this.timeProvider = timeProvider;
        this.logger = logger;
        badPayloads = new IntervalCounter(options.BadPayloadLogInterval, timeProvider);
        stamper = ReceiveTimeStamper.For(catalog);
    }

    /// <summary>Whether the gateway is connected to the broker now.</summary>
    public bool IsConnected => connected;

    /// <summary>How many messages were acknowledged to the broker since start (their readings durable, or their payload bad).</summary>
    public long AcknowledgedCount => Interlocked.Read(ref acknowledged);

    /// <summary>How many redelivered messages were acknowledged without storing them again, their readings already durable.</summary>
    public long RedeliveriesSkipped => Interlocked.Read(ref redeliveriesSkipped);

    /// <summary>Every topic that sent payloads its mapping does not match, with how many.</summary>
    public IReadOnlyDictionary<string, long> BadPayloadCounts => badPayloads.Totals;

    /// <summary>The broker, as one device of the health endpoint: online while connected.</summary>
    public IReadOnlyList<DeviceStatus> GetDevices() => [new DeviceStatus("mqtt", "broker", connected)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        MqttPayloadMapper mapper;
        try
        {
            mapper = MqttPayloadMapper.Create(options.Subscriptions, options.PresetDirectory, catalog);
        }
        catch (ArgumentException exception)
        {
            // The site file is checked when it is read; reaching this means the options were built without that check.
            throw new InvalidOperationException("The mqtt section is not valid: " + exception.Message, exception);
        }

        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessageReceivedAsync;
        client.DisconnectedAsync += OnDisconnectedAsync;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var processing = ProcessAsync(mapper, stopping.Token);
        try
        {
            await MaintainConnectionAsync(client, mapper.SubscriptionFilters, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await processing.ConfigureAwait(false);
            await SayGoodbyeAsync(client).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource<MqttClientDisconnectedEventArgs> NewConnectionLost() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs message)
    {
        // Acknowledged by ProcessAsync once durable. The payload is copied: the client may reuse its buffer.
        message.AutoAcknowledge = false;
        var payload = message.ApplicationMessage.Payload.ToArray();
        received.Writer.TryWrite(new ReceivedMessage(
            message,
            message.ApplicationMessage.Topic,
            payload,
            timeProvider.GetUtcNow(),
            message.PacketIdentifier,
            message.ApplicationMessage.Dup,
            Volatile.Read(ref generation)));
        return Task.CompletedTask;
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs disconnected)
    {
        if (disconnected.ClientWasConnected)
        {
            lock (connectionGate)
            {
                // Messages of the lost connection can no longer be acknowledged; the broker sends them again.
                Interlocked.Increment(ref generation);
                connected = false;
                connectionLost.TrySetResult(disconnected);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Connects, and reconnects after every loss with an exponential back-off with jitter, until stopped.</summary>
    private async Task MaintainConnectionAsync(IMqttClient client, IReadOnlyList<string> filters, CancellationToken stoppingToken)
    {
        var failedAttempts = 0;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(exception => exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.Reconnect.MinDelay,
                MaxDelay = options.Reconnect.MaxDelay,
                OnRetry = retry =>
                {
                    failedAttempts++;
                    if (failedAttempts == 1 && !everConnected)
                    {
                        LogCannotConnect(logger, Broker, retry.Outcome.Exception?.Message ?? "no answer", retry.RetryDelay);
                    }
                    else
                    {
                        LogConnectAttemptFailed(logger, Broker, retry.Outcome.Exception?.Message ?? "no answer", retry.RetryDelay);
                    }

                    return default;
                },
            })
            .Build();

        DateTimeOffset? lostAt = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pipeline.ExecuteAsync(token => ConnectAsync(client, filters, token), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (lostAt is { } since)
            {
                LogReconnected(logger, Broker, timeProvider.GetUtcNow() - since, failedAttempts + 1);
            }
            else
            {
                LogConnected(logger, Broker, options.EffectiveClientId, filters.Count);
            }

            everConnected = true;
            failedAttempts = 0;
            MqttClientDisconnectedEventArgs lost;
            try
            {
                lost = await connectionLost.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lostAt = timeProvider.GetUtcNow();
            LogConnectionLost(logger, Broker, lost.Reason, lost.ReasonString ?? lost.Exception?.Message ?? string.Empty);
        }
    }

    private string Broker => $"{options.Host}:{options.EffectivePort}";

    private async ValueTask ConnectAsync(IMqttClient client, IReadOnlyList<string> filters, CancellationToken cancellationToken)
    {
        lock (connectionGate)
        {
            connectionLost = NewConnectionLost();
        }

        // Built at every attempt: the credentials file is read again, so a rotated password needs no restart.
        var clientOptions = MqttClientOptionsFactory.ForSource(options, ReceiveMaximum);
        var result = await client.ConnectAsync(clientOptions, cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"the broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        try
        {
            if (filters.Count > 0)
            {
                var subscribe = new MqttClientSubscribeOptionsBuilder();
                foreach (var filter in filters)
                {
                    // A retained message is taken once, when the subscription is new, not again at every reconnection.
                    subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce, noLocal: false, retainAsPublished: false, MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly);
                }

                var subscribed = await client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
                foreach (var item in subscribed.Items.Where(item => item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2))
                {
                    LogSubscriptionRefused(logger, item.TopicFilter.Topic, item.ResultCode);
                }
            }

            await client.PublishAsync(StatusMessage(MqttClientOptionsFactory.OnlinePayload), cancellationToken).ConfigureAwait(false);
            connected = true;
        }
        catch
        {
            // A half-made connection (subscriptions or birth message failed) is dropped and the attempt retried.
            if (client.IsConnected)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    private MqttApplicationMessage StatusMessage(string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(options.EffectiveStatusTopic)
        .WithPayload(payload)
        .WithRetainFlag(true)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    /// <summary>On a clean stop: the retained status goes <c>offline</c> (the will is only sent on a lost connection), then a normal disconnect that keeps the session.</summary>
    private async Task SayGoodbyeAsync(IMqttClient client)
    {
        connected = false;
        if (!client.IsConnected)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(GoodbyeTimeout);
        try
        {
            await client.PublishAsync(StatusMessage(MqttClientOptionsFactory.OfflinePayload), timeout.Token).ConfigureAwait(false);
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The broker sends the will instead.
            LogGoodbyeFailed(logger, Broker, exception.Message);
        }
    }

    /// <summary>Maps, appends and acknowledges batches of received messages until stopped.</summary>
    private async Task ProcessAsync(MqttPayloadMapper mapper, CancellationToken stoppingToken)
    {
        var batch = new List<ReceivedMessage>(ReceiveMaximum);
        var readings = new List<Reading>();
        var identities = new List<(ushort PacketIdentifier, ulong Hash)>(ReceiveMaximum);
        var journal = sink as IDeliveryJournal;
        var stored = new StoredMessages(ReceiveMaximum);
        if (journal is not null)
        {
            stored.Load(journal.RecoveredDeliveryNotes);
        }

        var reader = received.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                readings.Clear();
                identities.Clear();
                var skipped = 0;
                var current = Volatile.Read(ref generation);
                while (batch.Count < ReceiveMaximum && reader.TryRead(out var message))
                {
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

                if (batch.Count > 0 && await AppendAsync(readings, identities, journal, current, stoppingToken).ConfigureAwait(false))
                {
                    stored.Stored(identities);
                    if (skipped > 0)
                    {
                        Interlocked.Add(ref redeliveriesSkipped, skipped);
                        LogRedeliveriesSkipped(logger, skipped);
                    }

                    await AcknowledgeAsync(batch).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // What is left in the channel is not acknowledged; the broker keeps it for the next connection.
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
                LogBadPayload(logger, message.Topic, problem ?? "no reason given", sinceLastLog, options.BadPayloadLogInterval);
            }
        }
    }

    /// <summary>
    /// Appends the batch's readings until durable; true then. While the buffer refuses (full, or failing), the batch
    /// stays unacknowledged and is tried again; false when the connection it came on was lost meanwhile or the
    /// gateway stops, leaving the messages to the broker.
    /// </summary>
    private async ValueTask<bool> AppendAsync(List<Reading> readings, List<(ushort PacketIdentifier, ulong Hash)> identities, IDeliveryJournal? journal, int batchGeneration, CancellationToken stoppingToken)
    {
        if (readings.Count == 0)
        {
            return true;
        }

        var batch = readings.ToArray();
        var note = journal is null ? Array.Empty<byte>() : StoredMessages.Note(identities);
        var refusals = 0;
        while (true)
        {
            TimeSpan wait;
            try
            {
                // Not cancelled by the stop: a batch being written is finished and acknowledged, so it is not sent twice.
                if (journal is null)
                {
                    await sink.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await journal.AppendAsync(batch, note, CancellationToken.None).ConfigureAwait(false);
                }
                if (refusals > 0)
                {
                    LogBufferAcceptsAgain(logger, refusals);
                }

                return true;
            }
            catch (BufferFullException exception)
            {
                wait = exception.RetryAfter;
                if (refusals++ == 0)
                {
                    LogBufferFull(logger, readings.Count, wait);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                wait = AppendRetryDelay;
                if (refusals++ == 0)
                {
                    LogAppendFailed(logger, exception, readings.Count, wait);
                }
            }

            try
            {
                await Task.Delay(wait, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            if (Volatile.Read(ref generation) != batchGeneration)
            {
                return false;
            }
        }
    }

    private async Task AcknowledgeAsync(List<ReceivedMessage> batch)
    {
        // In the order received, as MQTT 5.0 4.6 requires of PUBACKs.
        foreach (var message in batch)
        {
            try
            {
                await message.Arguments.AcknowledgeAsync(CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref acknowledged);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The connection went: the broker delivers the rest of the batch again, recognised as stored.
                LogAcknowledgeFailed(logger, message.Topic, exception.Message);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT: connected to {Broker} as {ClientId}, {Filters} subscription(s)")]
    private static partial void LogConnected(ILogger logger, string broker, string clientId, int filters);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT: cannot connect to {Broker}: {Problem}; trying again in {Delay}, with growing delays")]
    private static partial void LogCannotConnect(ILogger logger, string broker, string problem, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT: connection to {Broker} failed: {Problem}; next attempt in {Delay}")]
    private static partial void LogConnectAttemptFailed(ILogger logger, string broker, string problem, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT: lost the connection to {Broker} ({Reason} {Detail}); reconnecting with back-off, unacknowledged messages stay with the broker")]
    private static partial void LogConnectionLost(ILogger logger, string broker, MqttClientDisconnectReason reason, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT: connected to {Broker} again after {Downtime} ({Attempts} attempt(s))")]
    private static partial void LogReconnected(ILogger logger, string broker, TimeSpan downtime, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT: the broker refused the subscription to {Filter}: {Code}")]
    private static partial void LogSubscriptionRefused(ILogger logger, string filter, MqttClientSubscribeResultCode code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT: payload on {Topic} does not match its mapping: {Problem} ({Count} such payload(s) on this topic since the last report; reported at most every {Interval})")]
    private static partial void LogBadPayload(ILogger logger, string topic, string problem, long count, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT: the buffer is full; {Readings} reading(s) stay unacknowledged with the broker, trying again every {Wait}")]
    private static partial void LogBufferFull(ILogger logger, int readings, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Error, Message = "MQTT: appending {Readings} reading(s) failed; they stay unacknowledged with the broker, trying again every {Wait}")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, int readings, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT: the buffer accepts readings again after {Refusals} refusal(s)")]
    private static partial void LogBufferAcceptsAgain(ILogger logger, int refusals);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT: could not acknowledge a message on {Topic} ({Problem}); the broker delivers it again")]
    private static partial void LogAcknowledgeFailed(ILogger logger, string topic, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT: {Count} message(s) delivered again by the broker were already stored; acknowledged without storing them twice")]
    private static partial void LogRedeliveriesSkipped(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT: could not say goodbye to {Broker} ({Problem}); the broker publishes the last will instead")]
    private static partial void LogGoodbyeFailed(ILogger logger, string broker, string problem);

    /// <summary>One message as received, waiting for its batch.</summary>
    private sealed record ReceivedMessage(MqttApplicationMessageReceivedEventArgs Arguments, string Topic, byte[] Payload, DateTimeOffset ReceivedAt, ushort PacketIdentifier, bool Duplicate, int Generation);
}
