using Loos.Edge.Core;
using Loos.Edge.Mqtt.Mapping;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Loos.Edge.Mqtt;

/// <summary>
/// Subscribes to every mapping's topic filter with QoS 1 on a persistent MQTT 5 session and turns the messages into
/// readings. A message is acknowledged to the broker only once its readings are written to the buffer
/// (<see cref="AppendDurability.Written"/>: they survive a crash of the gateway and are fsynced within
/// <c>buffer:syncInterval</c>; a power cut before that fsync may lose them, which the buffer counts at the next start),
/// so a message is never lost between the broker and the file: whatever is not acknowledged when the gateway stops,
/// crashes or loses the broker is delivered again by the broker on the next connection. Messages are taken in batches (all
/// those that arrived while the previous batch was written) so that one fsync serves many of them.
/// Readings whose payload has no time of its own take the receive time, kept strictly increasing per series
/// (<see cref="ReceiveTimeStamper"/>). The identities of a batch's messages are written with its readings (a
/// <see cref="IDeliveryJournal"/> note), so a message the broker delivers again after a crash between the fsync and
/// the acknowledgement is recognised and acknowledged without being stored twice (<see cref="StoredMessages"/>).
/// </summary>
internal sealed class MqttSourceService : BackgroundService, IDeviceMonitor, IBrokerConnectionMonitor
{
    /// <summary>
    /// How many QoS 1 messages the broker may have in flight to the gateway, unacknowledged (MQTT 5 Receive Maximum):
    /// the largest batch, and what the gateway holds in memory at most.
    /// </summary>
    internal const ushort ReceiveMaximum = 1000;

    private readonly MqttOptions options;
    private readonly ISeriesCatalog catalog;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly MqttAcknowledger acknowledger;
    private readonly MqttMessageProcessor processor;
    private MqttConnection? connection;

    public MqttSourceService(MqttOptions options, IReadingSink sink, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger<MqttSourceService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.catalog = catalog;
        this.timeProvider = timeProvider;
        this.logger = logger;
        acknowledger = new MqttAcknowledger(logger);
        var store = new MqttBatchStore(sink, CurrentGeneration, timeProvider, logger);
        processor = new MqttMessageProcessor(store, acknowledger, CurrentGeneration, catalog, options.BadPayloadLogInterval, options.BatchWindow, timeProvider, logger);
    }

    /// <summary>Whether the gateway is connected to the broker now.</summary>
    public bool IsConnected => Volatile.Read(ref connection)?.IsConnected ?? false;

    /// <summary>How many messages were acknowledged to the broker since start (their readings durable, or their payload bad).</summary>
    public long AcknowledgedCount => acknowledger.Count;

    /// <summary>How many redelivered messages were acknowledged without storing them again, their readings already durable.</summary>
    public long RedeliveriesSkipped => processor.RedeliveriesSkipped;

    /// <summary>Every topic that sent payloads its mapping does not match, with how many.</summary>
    public IReadOnlyDictionary<string, long> BadPayloadCounts => processor.BadPayloadCounts;

    /// <summary>The broker, as one device of the health endpoint: online while connected.</summary>
    public IReadOnlyList<DeviceStatus> GetDevices() => [new DeviceStatus("mqtt", "broker", IsConnected)];

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
        client.ApplicationMessageReceivedAsync += processor.OnMessageReceivedAsync;
        var session = new MqttConnection(options, client, timeProvider, logger);
        client.DisconnectedAsync += session.OnDisconnectedAsync;
        Volatile.Write(ref connection, session);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var processing = processor.ProcessAsync(mapper, stopping.Token);
        try
        {
            await session.MaintainAsync(mapper.SubscriptionFilters, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await processing.ConfigureAwait(false);
            await session.SayGoodbyeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The current connection's number; messages stamped with another cannot be acknowledged any more.</summary>
    private int CurrentGeneration() => Volatile.Read(ref connection)?.Generation ?? 0;
}
