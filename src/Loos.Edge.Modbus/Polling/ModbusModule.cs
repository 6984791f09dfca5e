using Loos.Edge.Modules;
using Loos.Edge.Verbs.Modbus;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Modbus.Polling;

/// <summary>Modbus TCP and RTU polling (section <c>modbus</c>): buses, devices, points and device profiles.</summary>
public sealed class ModbusModule() : GatewayModule<ModbusOptions>(ModbusOptions.SectionName, ModbusOptionsValidator.Check)
{
    // Device profiles sit in profiles/ beside the site file unless the file says otherwise.
    protected override void Prepare(ModbusOptions options, ISiteContext site) =>
        options.ProfileDirectory = site.ResolvePath(string.IsNullOrEmpty(options.ProfileDirectory) ? "profiles" : options.ProfileDirectory);

    protected override bool IsEnabled(ModbusOptions options, ISiteContext site) => options.Buses.Count > 0;

    protected override void AddServices(IServiceCollection services, ModbusOptions options, ISiteContext site) =>
        services.AddModbusPolling(options);

    public override IEnumerable<Command> CreateVerbs(IVerbContext context) => [ModbusCommand.Create()];
}
