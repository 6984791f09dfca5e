using Loos.Edge.Buffer;
using Loos.Edge.Modules;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Verbs.Gpio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Gpio;

/// <summary>GPIO sources (section <c>gpio</c>): S0 pulse counters, 1-Wire and I²C sensors.</summary>
public sealed class GpioModule() : GatewayModule<GpioOptions>(GpioOptions.SectionName, GpioOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, GpioOptions options) => section.Bind(options);

    protected override void Prepare(GpioOptions options, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(site);
        options.ResolvePaths(site.ResolvePath, site.Options<BufferOptions>().Directory);
    }

    protected override bool IsEnabled(GpioOptions options, ISiteContext site) => options.IsEnabled;

    protected override IEnumerable<IDoctorCheck> CreateChecks(GpioOptions options, ISiteContext site, DoctorContext doctor) => GpioCommissioning.Checks(options);

    protected override double EstimateReadingsPerHour(GpioOptions options, ISiteContext site) => GpioCommissioning.ReadingsPerHour(options);

    protected override IEnumerable<IDeviceTest> CreateDeviceTests(GpioOptions options, ISiteContext site) => GpioCommissioning.DeviceTests(options);

    protected override void AddServices(IServiceCollection services, GpioOptions options, ISiteContext site) =>
        services.AddGpioSources(options);

    public override IEnumerable<Command> CreateVerbs(IVerbContext context) => [GpioCommand.Create()];
}
