using System.Security.Cryptography.X509Certificates;
using Loos.Edge.Http;
using Loos.Edge.Modules;
using Loos.Edge.Web.Influx;
using Loos.Edge.Web.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Web;

/// <summary>
/// The host of <c>loos-edge web</c>: Kestrel on <c>web:address</c> (HTTPS with the section's PEM files), the security
/// headers and request limits on every response, and each page set's endpoints. No buffer, no field device.
/// </summary>
public static class WebHost
{
    /// <summary>Builds the host of <paramref name="site"/>'s web section; <paramref name="configure"/> lets a test replace the server.</summary>
    /// <exception cref="InvalidOperationException">The section names no InfluxDB to read.</exception>
    public static WebApplication Build(ISiteContext site, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        var options = site.Options<WebOptions>();
        var influx = options.Influx ?? throw new InvalidOperationException($"{WebOptions.SectionName}:influx is required to serve the pages");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = site.Directory, ApplicationName = "loos-edge-web" });
        builder.Host.UseSystemd();
        builder.Logging.AddGatewayConsole();

        // Request paths hold tenants' tokens: ASP.NET Core's request logs and Kestrel's bad-request logs stay off.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.None);

        // Every page is already no-store; antiforgery warns on each form page that it rewrites that to its own no-cache.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Antiforgery", LogLevel.Error);

        var endpoint = EndpointAddress.Parse(options.Address, $"{WebOptions.SectionName}:address");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            RequestLimits.Apply(kestrel.Limits);
            kestrel.Listen(endpoint, listen =>
            {
                if (options.UsesHttps)
                {
                    listen.UseHttps(X509Certificate2.CreateFromPemFile(options.CertificateFile!, options.KeyFile));
                }
            });
        });

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(site);
        services.AddSingleton(options);
        services.AddSingleton(new InfluxReader(influx));
        foreach (var pages in WebPageSets.All)
        {
            pages.AddServices(services, options, site);
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        if (options.UsesHttps)
        {
            app.UseHsts();
        }

        app.UseSecurityHeaders();
        app.UseRequestLimits();
        foreach (var pages in WebPageSets.All)
        {
            pages.Map(app);
        }

        app.MapFallback(context => PageLayout.Html(NotFoundPage(context, site), StatusCodes.Status404NotFound).ExecuteAsync(context));
        return app;
    }

    /// <summary>The page of an address that serves nothing: it says so and shows nothing else.</summary>
    internal static string NotFoundPage(HttpContext context, ISiteContext site) =>
        PageLayout.Render(context, "fr", "Page introuvable", site.Name, "<h1>Page introuvable</h1>\n<p>Cette adresse ne correspond à aucune page. Si vous avez reçu un lien personnel, ouvrez-le tel quel ou demandez-en un nouveau au gestionnaire de votre logement.</p>\n");
}
