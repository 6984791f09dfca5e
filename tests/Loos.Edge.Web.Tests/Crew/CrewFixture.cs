using System.Net;
using Loos.Edge.Integration.Tests;
using Loos.Edge.Modules;
using Loos.Edge.Testing;
using Loos.Edge.Web.Crew;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;

namespace Loos.Edge.Web.Tests;

/// <summary>
/// A real Mosquitto, a real influxd, a simulated lighting controller and a real gateway process that publishes its
/// lighting series to influxd and takes overrides over MQTT; and the web host on a test server reading that influxd
/// and sending to that broker. One crew user: <see cref="User"/> with <see cref="Password"/>.
/// </summary>
public sealed class CrewFixture : IAsyncLifetime
{
    public const string Database = "loos_edge";
    public const string Gateway = "gw-eclairage";
    public const string Circuit = "rue-basly";
    public const string Controller = "armoire-nord";
    public const int ProgrammeLevel = 30;
    public const string User = "marie";
    public const string Password = "lampadaire-2026-nuit";

    private WebApplication? web;

    public MosquittoBroker Broker { get; private set; } = null!;

    public InfluxdServer Influxd { get; private set; } = null!;

    public SimulatedLightingController LightingController { get; private set; } = null!;

    public GatewayProcess GatewayProcess { get; private set; } = null!;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("loos-edge-crew-web-").FullName;

    internal CrewOverrides Overrides => (CrewOverrides)web!.Services.GetService(typeof(CrewOverrides))!;

    public async Task InitializeAsync()
    {
        Broker = await MosquittoBroker.StartNewAsync();
        Influxd = await InfluxdServer.StartNewAsync();
        await Influxd.CreateDatabaseAsync(Database);
        LightingController = await SimulatedLightingController.StartAsync(Broker, Controller);
        GatewayProcess = await GatewayProcess.StartAsync(Site());

        // The gateway's own publishing: the week ahead under its client id, read back as the page reads it.
        await GatewayProcess.WaitForInfluxValueAsync(Influxd, Database, $"SELECT count(sunset) FROM lighting_sun WHERE gateway = '{Gateway}'", 8);
        await GatewayProcess.WaitForInfluxValueAsync(Influxd, Database, $"SELECT last(level) FROM lighting_command WHERE gateway = '{Gateway}' AND outcome = 'confirmed'", ProgrammeLevel);
        await GatewayProcess.WaitForInfluxValueAsync(Influxd, Database, $"SELECT count(rated_power) FROM lighting_luminaire WHERE gateway = '{Gateway}'", 2);

        new CrewUsers(UsersFile).Add(User, Password);
        web = WebHost.Build(new TestSite(Directory, Options()), builder => builder.WebHost.UseTestServer());
        await web.StartAsync();
    }

    private string UsersFile => Path.Combine(Directory, "crew-users.txt");

    /// <summary>
    /// The same web host on a real Kestrel over HTTPS with a self-signed certificate, for a browser; its own override
    /// requests. Returns the host and its address.
    /// </summary>
    public async Task<(WebApplication Host, string Url)> StartHttpsAsync()
    {
        var (certificateFile, keyFile) = SelfSignedCertificate.Write(Directory);
        var port = FreePort.Next();
        var options = Options();
        options.Address = $"127.0.0.1:{port}";
        options.CertificateFile = certificateFile;
        options.KeyFile = keyFile;
        var host = WebHost.Build(new TestSite(Directory, options));
        await host.StartAsync();
        return (host, $"https://127.0.0.1:{port}");
    }

    private WebOptions Options() => new()
    {
        Influx = new WebInfluxOptions { Url = Influxd.Url.ToString(), Database = Database },
        UsersFile = UsersFile,
        TokensFile = Path.Combine(Directory, "web-tokens.dat"),
        Mqtt = new WebMqttOptions { Host = Broker.Host, Port = Broker.Port },
        MaxOverrideDuration = TimeSpan.FromHours(12),
    };

    /// <summary>A browser-like client: keeps its cookies, follows no redirect.</summary>
    public HttpClient Client(string baseAddress = "http://localhost/", IPAddress? remoteAddress = null)
    {
        var server = web!.GetTestServer().CreateHandler(context => context.Connection.RemoteIpAddress = remoteAddress ?? IPAddress.Loopback);
        return new HttpClient(new CookieContainerHandler(new CookieContainer()) { InnerHandler = server }) { BaseAddress = new Uri(baseAddress) };
    }

    public async Task DisposeAsync()
    {
        if (web is not null)
        {
            await web.DisposeAsync();
        }

        await GatewayProcess.DisposeAsync();
        await LightingController.DisposeAsync();
        await Influxd.DisposeAsync();
        await Broker.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private SiteFileBuilder Site()
    {
        var site = new SiteFileBuilder { Location = (50.457, 2.793) }.WithInfluxV1("influxd", Influxd.Url, Database);
        site.Extra = $$"""
            {{SiteFileBuilder.LightingMqttSection(Broker.Port, Gateway)}}
            lighting:
              requireClockSync: false
              confirmTimeout: 00:00:02
              minimumBurnTime: 00:00:00
              circuits:
                - { name: {{Circuit}}, controller: {{Controller}}, luminaires: [l01, l02], ratedPowerW: 200 }
              programmes:
                - name: constant
                  steps:
                    - { at: "12:00", level: {{ProgrammeLevel}} }
              calendar:
                - { programme: constant }
            """;
        return site;
    }

    /// <summary>The web section as the site file would give it, for a web host run centrally in Paris.</summary>
    private sealed class TestSite(string directory, WebOptions options) : ISiteContext
    {
        public string Name => "Loos-en-Gohelle";

        public SiteLocation? Location => null;

        public TimeZoneInfo TimeZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

        public string Directory => directory;

        public TOptions Options<TOptions>()
            where TOptions : class => options as TOptions ?? throw new InvalidOperationException($"no {typeof(TOptions).Name} in this site");

        public string? ResolvePath(string? path) => string.IsNullOrEmpty(path) ? path : Path.Combine(directory, path);
    }
}

[CollectionDefinition(Name)]
public sealed class CrewCollection : ICollectionFixture<CrewFixture>
{
    public const string Name = "crew";
}
