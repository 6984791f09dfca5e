using Loos.Edge.Core;
using Loos.Edge.Polling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Loos.Edge.Gpio.Sensors;

/// <summary>Registers the 1-Wire and I²C sensors.</summary>
public static class SensorServiceCollectionExtensions
{
    /// <summary>
    /// Adds, when <paramref name="options"/> has sensors (checked by <see cref="SensorOptionsValidator"/>), the hosted
    /// service that reads them into the <see cref="IReadingSink"/> and reports them to health as an
    /// <see cref="IDeviceMonitor"/>. Needs <see cref="IReadingSink"/>, <see cref="ISeriesCatalog"/> and logging from the
    /// container; adds <see cref="TimeProvider.System"/> unless already registered. Sensors are read from
    /// <c>/sys/bus/w1/devices</c> and <c>/dev/i2c-N</c>.
    /// </summary>
    public static IServiceCollection AddSensors(this IServiceCollection services, GpioOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Sensors.Count == 0)
        {
            return services;
        }

        services.TryAddSingleton<ISensorReaderFactory>(_ => SensorReaderFactory.Hardware());
        services.AddPolledSource(provider => ActivatorUtilities.CreateInstance<SensorPollingService>(provider, options));
        return services;
    }
}
