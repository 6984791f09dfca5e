using Loos.Edge.Mqtt.Output;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Lighting.Overriding;

/// <summary>Registers the overrides: the store of the section's file and the handler HTTP and MQTT requests share.</summary>
public static class OverrideServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="OverrideStore"/> of <see cref="LightingOptions.OverridesFile"/> and the request handler, and
    /// when <paramref name="withTopic"/> the subscription of <see cref="LightingOptions.OverrideTopic"/> on the
    /// <see cref="IMqttChannel"/> (opened by <c>AddMqttChannel</c> when the site has a broker).
    /// </summary>
    /// <exception cref="ArgumentException">The options have no overrides file or topic (the module's Prepare sets them).</exception>
    public static IServiceCollection AddLightingOverrides(this IServiceCollection services, LightingOptions options, bool withTopic)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var path = options.OverridesFile is { Length: > 0 } file ? file : throw new ArgumentException("lighting:overridesFile is not set.", nameof(options));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new OverrideStore(
            path, options.Circuits.Select(c => c.Name), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<OverrideStore>>()));
        services.TryAddSingleton<OverrideCommands>();
        if (withTopic)
        {
            var topic = options.OverrideTopic is { Length: > 0 } name ? name : throw new ArgumentException("lighting:overrideTopic is not set.", nameof(options));
            services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<OverrideTopic>(provider, topic));
        }

        return services;
    }
}
