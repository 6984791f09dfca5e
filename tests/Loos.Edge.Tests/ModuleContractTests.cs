using System.Text.Json;
using Loos.Edge.Core;
using Loos.Edge.Hosting;
using Loos.Edge.Modules;
using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.SiteFiles;
using Loos.Edge.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Tests;

/// <summary>
/// A module that is not part of the gateway, added with one line to the list of modules: the loader validates its
/// section with file and line, the host starts and stops its services, and health shows its devices.
/// </summary>
public sealed class ModuleContractTests : SiteFileTest
{
    private readonly ProbeModule probe = new();

    private IReadOnlyList<GatewayModule> Modules => [.. GatewayModules.All, probe];

    [Fact]
    public void Load_InvalidValueInTheModulesSection_NamesFileLineAndKey()
    {
        var path = Write("""
            buffer:
              directory: data/buffer
            probe:
              device: boiler-room
              interval: -00:00:05
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path, Modules)).Problems);

        Assert.Equal($"{path}:5: probe:interval must be positive (got -00:00:05)", problem);
    }

    [Fact]
    public void Load_UnknownKeyInTheModulesSection_NamesFileLineAndTheModulesKeys()
    {
        var path = Write("""
            buffer:
              directory: data/buffer
            probe:
              devise: boiler-room
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path, Modules)).Problems);

        Assert.StartsWith($"{path}:4: probe:devise: unknown key 'devise' (known here: device, interval)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WithoutTheModule_ItsSectionIsUnknown()
    {
        var path = Write("""
            buffer:
              directory: data/buffer
            probe:
              device: boiler-room
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.StartsWith($"{path}:3: unknown section 'probe'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TheModulesServicesStartAndStop_AndHealthShowsItsDevice()
    {
        var healthPort = FreePort.Next();
        var path = Write($"""
            site:
              name: contract
            buffer:
              directory: data/buffer
            listener:
              enabled: false
            health:
              address: 127.0.0.1:{healthPort}
            probe:
              device: boiler-room
              interval: 00:00:01
            """);
        var site = SiteConfiguration.Load(path, Modules);

        await using (var app = GatewayHost.Build(site))
        {
            await app.StartAsync();
            Assert.True(probe.Service!.Started);
            Assert.Equal("boiler-room", probe.Service.Options.Device);

            using var client = new HttpClient();
            using var health = JsonDocument.Parse(await client.GetStringAsync(new Uri($"http://127.0.0.1:{healthPort}/health")));
            var device = Assert.Single(health.RootElement.GetProperty("devices").EnumerateArray());
            Assert.Equal(("probe-bus", "boiler-room", "online"), (device.GetProperty("bus").GetString(), device.GetProperty("device").GetString(), device.GetProperty("state").GetString()));

            await app.StopAsync();
        }

        Assert.True(probe.Service.Stopped);
    }

    public sealed class ProbeOptions
    {
        public string Device { get; set; } = "probe";

        public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);
    }

    private sealed class ProbeModule() : GatewayModule<ProbeOptions>("probe", Check)
    {
        protected override void Bind(IConfiguration section, ProbeOptions options) => section.Bind(options);

        public ProbeService? Service { get; private set; }

        private static ConfigurationProblems Check(ProbeOptions options) => ConfigurationProblems.Of(problems =>
        {
            if (options.Interval <= TimeSpan.Zero)
            {
                problems.Add("probe:interval", $"must be positive (got {options.Interval})");
            }
        });

        protected override void AddServices(IServiceCollection services, ProbeOptions options, ISiteContext site)
        {
            services.AddSingleton(provider => Service = ActivatorUtilities.CreateInstance<ProbeService>(provider));
            services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<ProbeService>());
            services.AddSingleton<IDeviceMonitor>(provider => provider.GetRequiredService<ProbeService>());
        }
    }

    private sealed class ProbeService(IOptions<ProbeOptions> options) : IHostedService, IDeviceMonitor
    {
        public ProbeOptions Options => options.Value;

        public bool Started { get; private set; }

        public bool Stopped { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Stopped = true;
            return Task.CompletedTask;
        }

        public IReadOnlyList<DeviceStatus> GetDevices() => [new DeviceStatus("probe-bus", Options.Device, Answering: true)];
    }
}
