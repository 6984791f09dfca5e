using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Gpio.Pulses;

/// <summary>Registers the pulse counters.</summary>
public static class PulseCounterServiceCollectionExtensions
{
    /// <summary>Adds the pulse counters of <paramref name="options"/>, if any.</summary>
    public static IServiceCollection AddPulseCounters(this IServiceCollection services, GpioOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        return services;
    }
}
