using Loos.Edge.Core;
using Loos.Edge.Gpio.Drivers;
using Loos.Edge.Polling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Gpio.Pulses;

/// <summary>Registers the pulse counters.</summary>
public static class PulseCounterServiceCollectionExtensions
{
    /// <summary>
    /// Adds the hosted service that counts the pulses of every counter of <paramref name="options"/> (checked at start
    /// by <see cref="GpioOptionsValidator"/>; <see cref="GpioOptions.StateDirectory"/> resolved) into the
    /// <see cref="IReadingSink"/>, and reports the counters to health as an <see cref="IDeviceMonitor"/>; nothing
    /// when there are no counters. Needs <see cref="IReadingSink"/>, <see cref="ISeriesCatalog"/> and logging from the
    /// container; adds <see cref="TimeProvider.System"/> unless already registered.
    /// </summary>
    /// <exception cref="ArgumentException">The counters have no state directory.</exception>
    public static IServiceCollection AddPulseCounters(this IServiceCollection services, GpioOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (options.PulseCounters.Count == 0)
        {
            return services;
        }

        ArgumentException.ThrowIfNullOrEmpty(options.StateDirectory, nameof(options));
        services.AddPolledSource(provider => new PulseCounterService(
            options,
            () => GpioDrivers.Open(options.Driver, options.SimulatedEdges),
            provider.GetRequiredService<IReadingSink>(),
            provider.GetRequiredService<ISeriesCatalog>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>()));
        return services;
    }
}
