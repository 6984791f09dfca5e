using Loos.Edge.Core;
using Loos.Edge.Modules;
using Loos.Edge.Modules.Commissioning;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Http;

/// <summary>The health endpoint (section <c>health</c>): the buffer, the targets and every module's devices as JSON.</summary>
public sealed class HealthModule() : GatewayModule<HealthOptions>(HealthOptions.SectionName)
{
    protected override void Bind(IConfiguration section, HealthOptions options) => section.Bind(options);

    protected override void Validate(HealthOptions options, ISiteContext site, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(site);
        problems.AddRange(HealthOptionsValidator.Check(options, site.Options<ListenerOptions>()));
    }

    protected override IEnumerable<IDoctorCheck> CreateChecks(HealthOptions options, ISiteContext site, DoctorContext doctor) =>
        [HttpCommissioning.PortCheck("health", "health:address", options.Address, options.Address)];

    public override void ConfigureWebHost(IWebHostBuilder webHost, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        webHost.ListenOn(EndpointAddress.Parse(site.Options<HealthOptions>().Address, "health:address"));
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints, ISiteContext site) => endpoints.MapHealth();
}
