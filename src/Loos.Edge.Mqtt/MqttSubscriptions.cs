using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Loos.Edge.Mqtt;

/// <summary>The source's subscriptions: every mapping's topic filter, QoS 1, made again at every connection.</summary>
internal static partial class MqttSubscriptions
{
    /// <summary>Subscribes to <paramref name="filters"/>; a filter the broker refuses is logged and the others go on.</summary>
    public static async Task SubscribeAsync(IMqttClient client, IReadOnlyList<string> filters, ILogger logger, CancellationToken cancellationToken)
    {
        if (filters.Count == 0)
        {
            return;
        }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT: the broker refused the subscription to {Filter}: {Code}")]
    private static partial void LogSubscriptionRefused(ILogger logger, string filter, MqttClientSubscribeResultCode code);
}
