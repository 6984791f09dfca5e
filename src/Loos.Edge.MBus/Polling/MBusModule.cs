using Loos.Edge.Modules;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Verbs.MBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.MBus.Polling;

/// <summary>M-Bus polling (section <c>mbus</c>): heat meters and other meters on serial lines.</summary>
public sealed class MBusModule() : GatewayModule<MBusOptions>(MBusOptions.SectionName, MBusOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, MBusOptions options) => section.Bind(options);

    protected override bool IsEnabled(MBusOptions options, ISiteContext site) => options.Lines.Count > 0;

    protected override void AddServices(IServiceCollection services, MBusOptions options, ISiteContext site) =>
        services.AddMBusPolling(options);

    protected override IEnumerable<IDoctorCheck> CreateChecks(MBusOptions options, ISiteContext site, DoctorContext doctor) => MBusCommissioning.Checks(options);

    protected override double EstimateReadingsPerHour(MBusOptions options, ISiteContext site) => MBusCommissioning.ReadingsPerHour(options);

    protected override IEnumerable<IDeviceTest> CreateDeviceTests(MBusOptions options, ISiteContext site) => MBusCommissioning.DeviceTests(options);

    public override IEnumerable<Command> CreateVerbs(IVerbContext context) => [MBusCommand.Create()];
}
