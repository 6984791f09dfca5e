using Loos.Edge.Buffer;
using Loos.Edge.Heating;
using Loos.Edge.Modules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Rollups;

/// <summary>Rollups for Grafana (section <c>rollups</c>): window aggregates of the readings, written back through the buffer.</summary>
public sealed class RollupsModule() : GatewayModule<RollupOptions>(RollupOptions.SectionName, RollupOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, RollupOptions options) => section.Bind(options);

    protected override void Prepare(RollupOptions options, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(site);
        options.ResolvePaths(site.ResolvePath, site.Options<BufferOptions>().Directory);
    }

    protected override bool IsEnabled(RollupOptions options, ISiteContext site) => options.Enabled;

    // Heat-meter counters follow the heating section's rules (wrap value, meter replacements).
    protected override void AddServices(IServiceCollection services, RollupOptions options, ISiteContext site) =>
        services.AddRollups(options, site.Options<HeatingOptions>().CounterRulesFor);
}
