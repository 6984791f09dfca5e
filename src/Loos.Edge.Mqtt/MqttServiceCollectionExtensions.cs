using Loos.Edge.Core;
using Loos.Edge.Mqtt.Output;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Loos.Edge.Mqtt;

/// <summary>Registers the MQTT source, and the output session modules ask for.</summary>
public static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// Adds the MQTT source of <paramref name="options"/> (checked with the site file by <see cref="MqttOptionsValidator"/>): its
    /// subscriptions' readings go to the <see cref="IReadingSink"/>, and the broker connection shows in health as an
    /// <see cref="IDeviceMonitor"/> and in the self-metrics as an <see cref="IBrokerConnectionMonitor"/>. Needs <see cref="IReadingSink"/>, <see cref="ISeriesCatalog"/> and logging from the
    /// container; adds <see cref="TimeProvider.System"/> unless already registered.
    /// </summary>
    public static IServiceCollection AddMqttSource(this IServiceCollection services, MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<MqttSourceService>(provider, options));
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<MqttSourceService>());
        services.AddSingleton<IDeviceMonitor>(provider => provider.GetRequiredService<MqttSourceService>());
        services.AddSingleton<IBrokerConnectionMonitor>(provider => provider.GetRequiredService<MqttSourceService>());
        return services;
    }

    /// <summary>
    /// Adds the gateway's output session with the broker of <paramref name="options"/> (<see cref="IMqttChannel"/>),
    /// once however many modules ask for it: commands to field devices and requests on the gateway's own topics.
    /// </summary>
    public static IServiceCollection AddMqttChannel(this IServiceCollection services, MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (services.Any(s => s.ServiceType == typeof(MqttChannel)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<MqttChannel>(provider, options));
        services.AddSingleton<IMqttChannel>(provider => provider.GetRequiredService<MqttChannel>());
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<MqttChannel>());
        return services;
    }
}
