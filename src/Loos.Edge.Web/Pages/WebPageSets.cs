using Loos.Edge.Web.Tenant;

namespace Loos.Edge.Web.Pages;

/// <summary>The page sets the web host serves: adding one is one line here.</summary>
internal static class WebPageSets
{
    public static IReadOnlyList<IWebPages> All { get; } =
    [
        new TenantPages(),
        new Crew.CrewPages(),
    ];
}
