using Loos.Edge.Core;
using Loos.Edge.Http;
using Loos.Edge.SiteFiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Hosting;

/// <summary>Wires one gateway process from a validated site file: each of its modules adds its services and endpoints.</summary>
internal static class GatewayHost
{
    /// <summary>How long a stop waits for in-flight appends and writes before giving up.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The host of <paramref name="site"/>'s modules. With <paramref name="lasting"/> (the run verb's), the modules that
    /// outlive a reload are taken from it instead of being made again, so that a reload rebuilds only the rest.
    /// </summary>
    /// <exception cref="IOException">The buffer cannot be opened.</exception>
    public static WebApplication Build(SiteConfiguration site, LastingServices? lasting = null)
    {
        // The site file is the gateway's configuration: its options are bound and validated before the host exists and
        // handed over as they are; the command line is not passed on, and Kestrel listens only where the modules say.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = site.File.Directory,
            ApplicationName = "loos-edge",
        });

        // READY=1, RELOADING=1 and STOPPING=1 are the run verb's (GatewayRunner): a host stopped for a reload must not
        // tell systemd the service stops, as UseSystemd's lifetime would.
        builder.Logging.AddGatewayConsole();
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        // A start failure is one line on standard error (the run verb's); the host's entry would repeat it with its stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        var services = builder.Services;
        services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        services.AddSingleton(TimeProvider.System);
        if (lasting is null)
        {
            services.AddSingleton<ISeriesCatalog, SeriesCatalog>();
        }
        else
        {
            lasting.AddTo(services);
        }

        foreach (var module in site.Modules)
        {
            if (lasting is null || !module.OutlivesReload)
            {
                module.AddServices(services, site);
            }

            module.ConfigureWebHost(builder.WebHost, site);
        }

        // Last, so that it watches the loops of every module.
        services.AddSingleton<GatewayWatchdog>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<GatewayWatchdog>());
        services.AddSingleton<IDeviceMonitor>(provider => provider.GetRequiredService<GatewayWatchdog>());

        var app = builder.Build();
        foreach (var module in site.Modules)
        {
            module.MapEndpoints(app, site);
        }

        return app;
    }
}
