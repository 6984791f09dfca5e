using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Gpio;

/// <summary>Registers the GPIO sources.</summary>
public static class GpioServiceCollectionExtensions
{
    /// <summary>Adds the pulse counters and sensors of <paramref name="options"/>; their readings go to the <c>IReadingSink</c>.</summary>
    public static IServiceCollection AddGpioSources(this IServiceCollection services, GpioOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        Pulses.PulseCounterServiceCollectionExtensions.AddPulseCounters(services, options);
        Sensors.SensorServiceCollectionExtensions.AddSensors(services, options);
        return services;
    }
}
