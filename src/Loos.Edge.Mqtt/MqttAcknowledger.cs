using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Loos.Edge.Mqtt;

/// <summary>Acknowledges a batch's messages to the broker once their readings are durable (or their payload bad), and counts them.</summary>
internal sealed partial class MqttAcknowledger(ILogger logger)
{
    private long acknowledged;

    /// <summary>How many messages were acknowledged since start.</summary>
    public long Count => Interlocked.Read(ref acknowledged);

    /// <summary>Acknowledges <paramref name="batch"/> in the order received, as MQTT 5.0 4.6 requires of PUBACKs; stops at the first that fails.</summary>
    public async Task AcknowledgeAsync(List<ReceivedMessage> batch)
    {
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT: could not acknowledge a message on {Topic} ({Problem}); the broker delivers it again")]
    private static partial void LogAcknowledgeFailed(ILogger logger, string topic, string problem);
}

/// <summary>One message as received, waiting for its batch; <paramref name="Generation"/> is its connection's.</summary>
internal sealed record ReceivedMessage(MqttApplicationMessageReceivedEventArgs Arguments, string Topic, byte[] Payload, DateTimeOffset ReceivedAt, ushort PacketIdentifier, bool Duplicate, int Generation);
