using Loos.Edge.Modbus.Polling;
using Loos.Edge.Modules;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Verbs.SunSpec;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.SunSpec.Polling;

/// <summary>
/// SunSpec discovery for Modbus polling: the devices of the <c>modbus</c> section with <c>sunspec: true</c> are
/// mapped from their model chain. It has no section of its own.
/// </summary>
public sealed class SunSpecModule : GatewayModule
{
    public override void AddServices(IServiceCollection services, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (site.Options<ModbusOptions>().Buses.Count > 0)
        {
            services.AddSunSpecDiscovery();
        }
    }

    public override IEnumerable<IDeviceTest> CreateDeviceTests(ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        return ModbusCommissioning.DeviceTests(site.Options<ModbusOptions>(), device => device.Discovery is not null, new SunSpecDeviceDiscovery());
    }

    public override IEnumerable<Command> CreateVerbs(IVerbContext context) => [SunSpecCommand.Create()];
}
