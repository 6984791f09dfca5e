using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Forwarding;
using Loos.Edge.Gpio;
using Loos.Edge.Heating;
using Loos.Edge.Http;
using Loos.Edge.MBus.Polling;
using Loos.Edge.Modbus.Polling;
using Loos.Edge.Mqtt;
using Loos.Edge.Rollups;
using Loos.Edge.Simulation;
using Loos.Edge.SiteFiles;
using Loos.Edge.SunSpec.Polling;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Hosting;

/// <summary>Wires one gateway process from a validated site file: buffer, forwarder, sources, listener and health.</summary>
internal static class GatewayHost
{
    /// <summary>How long a stop waits for in-flight appends and writes before giving up.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    public static WebApplication Build(SiteConfiguration site)
    {
        // The site file is the gateway's configuration: its options are bound and validated before the host exists and
        // handed over as they are; the command line is not passed on, and Kestrel listens only where the file says.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = site.File.Directory,
            ApplicationName = "loos-edge",
        });

        builder.Host.UseSystemd();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        var services = builder.Services;
        services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ISeriesCatalog, SeriesCatalog>();
        services.AddValidatedOptions(site.Buffer);
        services.AddValidatedOptions(site.Forwarder);
        services.AddValidatedOptions(site.Listener);
        services.AddValidatedOptions(site.Health);
        services.AddDurableBuffer();
        services.AddForwarding();
        services.AddGatewayHttp(site.File.Configuration);
        services.AddSimulatedDevices(site.Simulation);
        if (site.Modbus.Buses.Count > 0)
        {
            services.AddModbusPolling(site.Modbus);
            services.AddSunSpecDiscovery();
        }

        if (site.MBus.Lines.Count > 0)
        {
            services.AddMBusPolling(site.MBus);
        }

        if (site.Mqtt.IsEnabled)
        {
            services.AddMqttSource(site.Mqtt);
        }

        if (site.Gpio.IsEnabled)
        {
            services.AddGpioSources(site.Gpio);
        }

        if (site.Rollups.Enabled)
        {
            services.AddRollups(site.Rollups, site.Heating.CounterRulesFor);
        }

        if (site.Heating.PublishSeries && site.Forwarder.Targets.FirstOrDefault(t => site.Heating.Target is null || t.Name == site.Heating.Target) is { } heatingTarget)
        {
            services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<HeatingSeriesService>(provider, site.Heating, heatingTarget));
        }

        builder.WebHost.ConfigureGatewayEndpoints(site.Listener, site.Health);
        var app = builder.Build();
        app.MapHealth();
        app.MapWriteListener();

        return app;
    }
}
