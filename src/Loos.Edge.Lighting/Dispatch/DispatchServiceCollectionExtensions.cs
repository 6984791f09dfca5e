using System.Device.Gpio;
using Loos.Edge.Core;
using Loos.Edge.Core.Clock;
using Loos.Edge.Gpio;
using Loos.Edge.Gpio.Drivers;
using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Schedule;
using Loos.Edge.Modules;
using Loos.Edge.Mqtt;
using Loos.Edge.Mqtt.Output;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Lighting.Dispatch;

/// <summary>Registers the lighting dispatcher, its outputs and the controllers' status it confirms commands from.</summary>
internal static class DispatchServiceCollectionExtensions
{
    /// <summary>
    /// Adds the dispatcher of <paramref name="options"/> (validated with the site file): MQTT circuits through the
    /// MQTT module's output session, relay circuits on the GPIO driver of the <c>gpio</c> section. Needs the overrides'
    /// services (<see cref="OverrideServiceCollectionExtensions.AddLightingOverrides"/>), the buffer and the catalogue.
    /// </summary>
    public static IServiceCollection AddLightingDispatch(this IServiceCollection services, LightingOptions options, ISiteContext site)
    {
        var mqtt = site.Options<MqttOptions>();
        var gpio = site.Options<GpioOptions>();
        var presets = options.Circuits.Where(c => c.Kind == CircuitKind.Mqtt).Select(c => c.Preset).Distinct()
            .ToDictionary(name => name, name => MqttCommandPreset.TryLoad(mqtt.PresetDirectory, name, []) ?? throw new InvalidOperationException($"The lighting preset '{name}' cannot be read; the site file check reports why."));
        if (mqtt.IsEnabled)
        {
            // MQTT circuits' commands, and overrides on the gateway's own topic.
            services.AddMqttChannel(mqtt);
        }

        // The site's view of the clock (the clock section's trust) when the clock module registered it.
        services.TryAddSingleton<IClockTrust>(new SystemClockTrust());
        services.AddSingleton(new LightingPlanner(options, site.Location, site.TimeZone));
        services.AddSingleton(provider => new ControllerStatus(provider.GetRequiredService<ISeriesCatalog>(), presets.Values.Select(p => (p.Measurement, p.Command.Field))));
        services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<ControllerStatusReader>(provider));
        services.AddSingleton(provider => new LightingGpio(() => GpioDrivers.Open(gpio.Driver, gpio.SimulatedEdges)));
        // The gateway tag is the client id that names the override topic (loos-edge/<clientId>/lighting/override).
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<LightingSeries>(provider, mqtt.EffectiveClientId));
        services.AddSingleton(provider => new NightBook(
            options, provider.GetRequiredService<LightingPlanner>(), provider.GetRequiredService<LightingSeries>(), provider.GetRequiredService<ControllerStatus>(), site.TimeZone));
        services.AddSingleton(provider =>
        {
            IReadOnlyList<ICircuitOutput> outputs = [.. options.Circuits.Select(circuit => Output(circuit, provider, presets))];
            var dispatcher = ActivatorUtilities.CreateInstance<LightingDispatcher>(provider, options, outputs);
            provider.GetRequiredService<OverrideStore>().Changed += dispatcher.Wake;
            provider.GetRequiredService<ControllerStatus>().Reported += dispatcher.Wake;
            if (provider.GetService<IMqttChannel>() is { } channel)
            {
                channel.Connected += dispatcher.Reconnected;
            }

            return dispatcher;
        });
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<LightingDispatcher>());
        services.AddSingleton<IDeviceMonitor>(provider => provider.GetRequiredService<LightingDispatcher>());
        return services;
    }

    private static ICircuitOutput Output(CircuitOptions circuit, IServiceProvider provider, Dictionary<string, MqttCommandPreset> presets) => circuit.Kind switch
    {
        CircuitKind.Relay => new RelayCircuitOutput(circuit, provider.GetRequiredService<LightingGpio>()),
        _ => new MqttCircuitOutput(circuit, presets[circuit.Preset], provider.GetRequiredService<IMqttChannel>(), provider.GetRequiredService<ControllerStatus>()),
    };
}

/// <summary>The GPIO controller the relay circuits share, opened at the first command and released with the gateway.</summary>
internal sealed class LightingGpio(Func<GpioController> open) : IDisposable
{
    private readonly Lazy<GpioController> controller = new(open);

    public GpioController Controller => controller.Value;

    public void Dispose()
    {
        if (controller.IsValueCreated)
        {
            controller.Value.Dispose();
        }
    }
}
