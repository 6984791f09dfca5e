using Loos.Edge.Modules;
using Loos.Edge.Web.Pages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Web.Tenant;

/// <summary>The tenants' pages: <c>/h/{token}</c> exchanges a home's link for a cookie, <c>/maison</c> shows the home's heating.</summary>
internal sealed class TenantPages : IWebPages
{
    public void AddServices(IServiceCollection services, WebOptions options, ISiteContext site)
    {
    }

    public void Map(IEndpointRouteBuilder endpoints)
    {
    }
}
