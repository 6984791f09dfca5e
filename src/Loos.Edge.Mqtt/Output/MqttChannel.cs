using System.Buffers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Loos.Edge.Mqtt.Output;

/// <summary>
/// The output session: its own client (<c>&lt;clientId&gt;-out</c>, so that commands never wait behind the source's
/// flow control), the same broker, credentials and reconnection back-off as the source.
/// </summary>
internal sealed partial class MqttChannel(MqttOptions options, TimeProvider timeProvider, ILogger<MqttChannel> logger) : BackgroundService, IMqttChannel
{
    private readonly List<(string Filter, Func<MqttRequest, CancellationToken, Task> Handler)> subscriptions = [];
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private MqttConnection? connection;
    private CancellationToken stopping;

    public event Action? Connected;

    public bool IsConnected => Volatile.Read(ref connection)?.IsConnected == true && client.IsConnected;

    /// <summary>The client id of the output session.</summary>
    public string ClientId => options.EffectiveClientId + "-out";

    public void Subscribe(string topicFilter, Func<MqttRequest, CancellationToken, Task> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        ArgumentNullException.ThrowIfNull(handler);
        if (connection is not null)
        {
            throw new InvalidOperationException("Subscribe before the channel starts.");
        }

        subscriptions.Add((topicFilter, handler));
    }

    public async Task<bool> PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        await PublishAsync(Message(topic, payload).Build(), cancellationToken).ConfigureAwait(false);

    public async Task<bool> ReplyAsync(MqttRequest request, string fallbackTopic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = Message(request.ResponseTopic is { Length: > 0 } responseTopic ? responseTopic : fallbackTopic, payload);
        if (request.CorrelationData is { } correlation)
        {
            reply.WithCorrelationData(correlation.ToArray());
        }

        return await PublishAsync(reply.Build(), cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        client.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stopping = stoppingToken;
        var session = new MqttConnection(options, client, timeProvider, logger, () => MqttClientOptionsFactory.ForOutput(options, ClientId));
        session.Connected += () => Connected?.Invoke();
        client.DisconnectedAsync += session.OnDisconnectedAsync;
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        Volatile.Write(ref connection, session);
        try
        {
            await session.MaintainAsync([.. subscriptions.Select(s => s.Filter)], stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await session.SayGoodbyeAsync().ConfigureAwait(false);
        }
    }

    private static MqttApplicationMessageBuilder Message(string topic, ReadOnlyMemory<byte> payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload.ToArray())
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);

    private async Task<bool> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (!IsConnected)
        {
            return false;
        }

        try
        {
            var result = await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            return result.IsSuccess;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A connection lost during the publish: the caller sends its state again after the reconnection.
            LogPublishFailed(logger, message.Topic, exception.Message);
            return false;
        }
    }

    /// <summary>Hands a message to the handler of the first subscription it matches; the broker gets the acknowledgement when the handler returns.</summary>
    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs received)
    {
        var message = received.ApplicationMessage;
        foreach (var (filter, handler) in subscriptions)
        {
            if (MqttTopicFilterComparer.Compare(message.Topic, filter) == MqttTopicFilterCompareResult.IsMatch)
            {
                var request = new MqttRequest(message.Topic, message.Payload.ToArray(), message.ResponseTopic, message.CorrelationData is { Length: > 0 } data ? data : null);
                try
                {
                    await handler(request, stopping).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A failing handler must not leave the message unacknowledged forever; the request is logged and dropped.
                    LogHandlerFailed(logger, message.Topic, exception.Message);
                }

                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT output: could not publish to {Topic}: {Problem}")]
    private static partial void LogPublishFailed(ILogger logger, string topic, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT output: the request on {Topic} failed: {Problem}")]
    private static partial void LogHandlerFailed(ILogger logger, string topic, string problem);
}
