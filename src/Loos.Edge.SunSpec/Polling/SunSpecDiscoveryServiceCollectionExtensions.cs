using Loos.Edge.Modbus.Polling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Loos.Edge.SunSpec.Polling;

/// <summary>Registers SunSpec discovery for Modbus polling.</summary>
public static class SunSpecDiscoveryServiceCollectionExtensions
{
    /// <summary>
    /// Lets Modbus polling (<c>AddModbusPolling</c>) map the devices that have <c>sunspec: true</c> in the site file
    /// from their SunSpec model chain, without a hand-written register map.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddSunSpecDiscovery(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModbusDeviceDiscovery, SunSpecDeviceDiscovery>());
        return services;
    }
}
