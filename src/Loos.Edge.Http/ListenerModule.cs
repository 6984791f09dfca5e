using Loos.Edge.Modules;
using Loos.Edge.Modules.Commissioning;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Http;

/// <summary>The line-protocol write listener (section <c>listener</c>): InfluxDB clients write into the buffer.</summary>
public sealed class ListenerModule() : GatewayModule<ListenerOptions>(ListenerOptions.SectionName, ListenerOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, ListenerOptions options) => section.Bind(options);

    protected override void Prepare(ListenerOptions options, ISiteContext site) =>
        options.TokenFile = site.ResolvePath(options.TokenFile);

    protected override void AddServices(IServiceCollection services, ListenerOptions options, ISiteContext site) =>
        services.AddWriteListener();

    protected override IEnumerable<IDoctorCheck> CreateChecks(ListenerOptions options, ISiteContext site, DoctorContext doctor) =>
        options.Enabled ? [HttpCommissioning.PortCheck("listener", "listener:address", options.Address, site.Options<HealthOptions>().Address)] : [];

    public override void ConfigureWebHost(IWebHostBuilder webHost, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var options = site.Options<ListenerOptions>();
        if (options.Enabled)
        {
            webHost.ListenOn(EndpointAddress.Parse(options.Address, "listener:address"));
        }
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints, ISiteContext site) => endpoints.MapWriteListener();
}
