using Loos.Edge.Core;
using Loos.Edge.Modules;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Modbus.Polling;

/// <summary>Modbus TCP and RTU polling (section <c>modbus</c>): buses, devices, points and device profiles.</summary>
public sealed class ModbusModule : GatewayModule<ModbusOptions>
{
    public override string Section => ModbusOptions.SectionName;

    // Device profiles sit in profiles/ beside the site file unless the file says otherwise.
    protected override void Prepare(ModbusOptions options, ISiteContext site) =>
        options.ProfileDirectory = site.ResolvePath(string.IsNullOrEmpty(options.ProfileDirectory) ? "profiles" : options.ProfileDirectory);

    protected override void Validate(ModbusOptions options, ISiteContext site, ConfigurationProblems problems) =>
        problems.AddRange(ModbusOptionsValidator.Check(options));

    protected override bool IsEnabled(ModbusOptions options, ISiteContext site) => options.Buses.Count > 0;

    protected override void AddServices(IServiceCollection services, ModbusOptions options, ISiteContext site) =>
        services.AddModbusPolling(options);
}
