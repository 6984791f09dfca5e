namespace Loos.Edge.Mqtt.Output;

/// <summary>
/// The gateway's output session with the MQTT broker (beside the source's): commands to field devices, requests
/// taken on the gateway's own topics and their replies. It reconnects by itself; whoever sends state re-sends it on
/// <see cref="Connected"/>.
/// </summary>
public interface IMqttChannel
{
    /// <summary>Whether the session is connected now.</summary>
    bool IsConnected { get; }

    /// <summary>Raised after each connection and reconnection, once the subscriptions are made.</summary>
    event Action? Connected;

    /// <summary>
    /// Takes the messages published on <paramref name="topicFilter"/> (QoS 1); each is acknowledged once
    /// <paramref name="handler"/> returns. Subscribe before the host starts.
    /// </summary>
    void Subscribe(string topicFilter, Func<MqttRequest, CancellationToken, Task> handler);

    /// <summary>
    /// Publishes at QoS 1 and waits for the broker's acknowledgement; false when not connected or the broker refused
    /// it (nothing is queued: the caller decides when to send again).
    /// </summary>
    Task<bool> PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>Answers <paramref name="request"/> on its response topic (MQTT 5), else on <paramref name="fallbackTopic"/>, with its correlation data.</summary>
    Task<bool> ReplyAsync(MqttRequest request, string fallbackTopic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}

/// <summary>A message taken on one of the channel's subscriptions.</summary>
/// <param name="Topic">The topic it was published on.</param>
/// <param name="Payload">Its payload.</param>
/// <param name="ResponseTopic">Where the sender wants the reply (MQTT 5), or null.</param>
/// <param name="CorrelationData">What the sender wants back with the reply (MQTT 5), or null.</param>
public sealed record MqttRequest(string Topic, ReadOnlyMemory<byte> Payload, string? ResponseTopic, ReadOnlyMemory<byte>? CorrelationData);
