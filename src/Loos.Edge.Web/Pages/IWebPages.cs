using Loos.Edge.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Web.Pages;

/// <summary>One set of pages of the web host (the tenants', the crew's): its services and its endpoints.</summary>
internal interface IWebPages
{
    /// <summary>Registers what the pages need; the web options, the site, the time provider and the InfluxDB reader are registered already.</summary>
    void AddServices(IServiceCollection services, WebOptions options, ISiteContext site);

    /// <summary>Maps the pages' endpoints.</summary>
    void Map(IEndpointRouteBuilder endpoints);
}
