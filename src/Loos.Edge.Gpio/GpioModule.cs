using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Modules;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Gpio;

/// <summary>GPIO sources (section <c>gpio</c>): S0 pulse counters, 1-Wire and I²C sensors.</summary>
public sealed class GpioModule : GatewayModule<GpioOptions>
{
    public override string Section => GpioOptions.SectionName;

    protected override void Prepare(GpioOptions options, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(site);
        options.ResolvePaths(site.ResolvePath, site.Options<BufferOptions>().Directory);
    }

    protected override void Validate(GpioOptions options, ISiteContext site, ConfigurationProblems problems) =>
        problems.AddRange(GpioOptionsValidator.Check(options));

    protected override bool IsEnabled(GpioOptions options, ISiteContext site) => options.IsEnabled;

    protected override void AddServices(IServiceCollection services, GpioOptions options, ISiteContext site) =>
        services.AddGpioSources(options);
}
