using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Gpio.Sensors;

/// <summary>Registers the sensors .</summary>
public static class SensorServiceCollectionExtensions
{
    /// <summary>Adds the sensors  of <paramref name="options"/>, if any.</summary>
    public static IServiceCollection AddSensors(this IServiceCollection services, GpioOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        return services;
    }
}
