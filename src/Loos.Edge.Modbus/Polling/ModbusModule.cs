using Loos.Edge.Modules;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Verbs.Modbus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Modbus.Polling;

/// <summary>Modbus TCP and RTU polling (section <c>modbus</c>): buses, devices, points and device profiles.</summary>
public sealed class ModbusModule() : GatewayModule<ModbusOptions>(ModbusOptions.SectionName, ModbusOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, ModbusOptions options) => section.Bind(options);

    // Device profiles sit in profiles/ beside the site file unless the file says otherwise.
    protected override void Prepare(ModbusOptions options, ISiteContext site) =>
        options.ProfileDirectory = site.ResolvePath(string.IsNullOrEmpty(options.ProfileDirectory) ? "profiles" : options.ProfileDirectory);

    protected override bool IsEnabled(ModbusOptions options, ISiteContext site) => options.Buses.Count > 0;

    protected override void AddServices(IServiceCollection services, ModbusOptions options, ISiteContext site) =>
        services.AddModbusPolling(options);

    protected override IEnumerable<IDoctorCheck> CreateChecks(ModbusOptions options, ISiteContext site, DoctorContext doctor) => ModbusCommissioning.Checks(options);

    protected override double EstimateReadingsPerHour(ModbusOptions options, ISiteContext site) => ModbusCommissioning.ReadingsPerHour(options);

    // Devices discovered by SunSpec are read by the SunSpec module, which has the discovery.
    protected override IEnumerable<IDeviceTest> CreateDeviceTests(ModbusOptions options, ISiteContext site) =>
        ModbusCommissioning.DeviceTests(options, device => device.Discovery is null);

    public override IEnumerable<Command> CreateVerbs(IVerbContext context) => [ModbusCommand.Create()];
}
