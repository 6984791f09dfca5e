using System.Net.Http.Json;
using System.Text.Json;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// The gateway process sends lighting levels over a real Mosquitto to a simulated controller and confirms them from
/// the controller's status: a controller that follows, lags, ignores commands; the broker restarted at a step; the
/// gateway killed in the night; a relay on the simulated GPIO driver; the lighting's series in a real influxd.
/// </summary>
public sealed class LightingEndToEndTests
{
    private const string Controller = "armoire-12";
    private const string Circuit = "rue-basly";

    /// <summary>The programme's level, all day and night, so that what the gateway should send is known at any time.</summary>
    private const int ProgrammeLevel = 30;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Controller_Following_Lagging_Ignoring_EachCommandConfirmedOrResentWithBackOff()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var controller = await SimulatedLightingController.StartAsync(broker, Controller);
        await using var gateway = await GatewayProcess.StartAsync(LightingSite(broker));

        // At start: the programme's level, sent to each luminaire and confirmed by their status.
        await WaitForCircuitAsync(gateway, "following", TimeSpan.FromSeconds(20));
        Assert.Equal(ProgrammeLevel, controller.LevelOf("l01"));
        Assert.Equal(ProgrammeLevel, controller.LevelOf("l02"));

        // A lagging controller (3 s, the timeout is 2 s) is confirmed late, after one resend at most: no storm.
        controller.Behaviour = ControllerBehaviour.Lag;
        await AddOverrideAsync(gateway, 60);
        await WaitForCircuitAsync(gateway, "following", TimeSpan.FromSeconds(20), level: 60);
        Assert.InRange(controller.Commands.Count(c => c.Luminaire == "l01" && c.Level == 60), 1, 2);

        // A controller that ignores the command: not-following in health, resent with a growing back-off (2 s, 4 s, 8 s).
        controller.Behaviour = ControllerBehaviour.Ignore;
        var ignoredFrom = DateTimeOffset.UtcNow;
        await AddOverrideAsync(gateway, 80);
        var health = await WaitForCircuitAsync(gateway, "not-following", TimeSpan.FromSeconds(10));
        Assert.Contains("commanded 80 %", Detail(health), StringComparison.Ordinal);
        Assert.Contains("l01 60 %", Detail(health), StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(15));
        var sends = controller.Commands.Where(c => c.Luminaire == "l01" && c.Level == 80).Select(c => c.At).ToList();
        Assert.InRange(sends.Count, 3, 5);
        var gaps = sends.Zip(sends.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps[^1] > gaps[0] * 1.5, $"the resends back off: gaps {string.Join(", ", gaps)} since {ignoredFrom:HH:mm:ss}");

        // Once it follows again, the next resend is confirmed.
        controller.Behaviour = ControllerBehaviour.Follow;
        await WaitForCircuitAsync(gateway, "following", TimeSpan.FromSeconds(20), level: 80);
    }

    [Fact]
    public async Task BrokerRestartedAtAStep_TheCommandArrivesOnceItIsBack()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var controller = await SimulatedLightingController.StartAsync(broker, Controller);
        await using var gateway = await GatewayProcess.StartAsync(LightingSite(broker));
        await WaitForCircuitAsync(gateway, "following", TimeSpan.FromSeconds(20));

        broker.Stop();
        await AddOverrideAsync(gateway, 45);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var restartedAt = DateTimeOffset.UtcNow;
        await broker.StartAsync();
        await controller.SetSilentAsync(false);

        var command = await controller.WaitForCommandAsync(c => c.Level == 45, TimeSpan.FromSeconds(30), "of 45 % after the broker came back");
        Assert.True(command.At >= restartedAt);
        await WaitForCircuitAsync(gateway, "following", TimeSpan.FromSeconds(20), level: 45);
    }

    [Fact]
    public async Task GatewayKilledInTheNight_RestartReappliesTheLevelAndKeepsTheOverride()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var controller = await SimulatedLightingController.StartAsync(broker, Controller);
        var site = LightingSite(broker);
        await using var gateway = await GatewayProcess.StartAsync(site);
        await AddOverrideAsync(gateway, 70, reason: "feu d'artifice");
        await WaitForCircuitAsync(gateway, "following", TimeSpan.FromSeconds(20), level: 70);

        gateway.Kill();
        var restartedAt = DateTimeOffset.UtcNow;
        await gateway.StartAsync();

        await controller.WaitForCommandAsync(c => c.Level == 70 && c.At >= restartedAt && c.Luminaire == "l02", TimeSpan.FromSeconds(20), "of 70 % after the restart");
        await WaitForCircuitAsync(gateway, "following", TimeSpan.FromSeconds(20), level: 70);
        var overrides = await Http.GetFromJsonAsync<JsonElement>(ManagementUrl(gateway, "/lighting/overrides"));
        Assert.Contains(overrides.GetProperty("overrides").EnumerateArray(), o => o.GetProperty("reason").GetString() == "feu d'artifice" && o.GetProperty("level").GetInt32() == 70);
    }

    [Fact]
    public async Task RelayAndMqttCircuits_SeriesInInfluxd()
    {
        const string Database = "loos_edge";
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        await using var controller = await SimulatedLightingController.StartAsync(broker, Controller);
        var site = LightingSite(broker, relay: true).WithInfluxV1("influxd", influxd.Url, Database);
        await using var gateway = await GatewayProcess.StartAsync(site);

        await WaitForCircuitAsync(gateway, "following", TimeSpan.FromSeconds(20));
        await WaitForCircuitAsync(gateway, "following", TimeSpan.FromSeconds(20), circuit: "armoire-gare");

        // Each command and its confirmation, the night's plan, and last night's figures, as Grafana reads them.
        await gateway.WaitForInfluxValueAsync(influxd, Database, $"SELECT count(level) FROM lighting_command WHERE circuit = '{Circuit}' AND outcome = 'confirmed'", 1);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT count(level) FROM lighting_command WHERE circuit = 'armoire-gare' AND outcome = 'confirmed'", 1);
        await gateway.WaitForInfluxValueAsync(influxd, Database, $"SELECT max(level) FROM lighting_plan WHERE circuit = '{Circuit}'", ProgrammeLevel);

        // The week ahead and its sun times, under the gateway's client id: a page reading InfluxDB alone shows them.
        await gateway.WaitForInfluxValueAsync(influxd, Database, $"SELECT max(level) FROM lighting_plan WHERE gateway = 'gw-lighting' AND circuit = '{Circuit}' AND time > now() + 6d", ProgrammeLevel);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT count(sunset) FROM lighting_sun WHERE gateway = 'gw-lighting'", 8);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT count(sunrise) FROM lighting_sun WHERE gateway = 'gw-lighting'", 8);
        await gateway.WaitForInfluxValueAsync(influxd, Database, $"SELECT count(rated_power) FROM lighting_luminaire WHERE gateway = 'gw-lighting' AND circuit = '{Circuit}' AND controller = '{Controller}'", 2);

        // Last night at 30 % from noon to noon on 2 × 100 W: 0.2 kW × 0.3 × its hours (24 in December).
        var hours = await SingleValueAsync(influxd, Database, $"SELECT lit_hours FROM lighting_night WHERE circuit = '{Circuit}'");
        Assert.Equal(24, hours, 6);
        Assert.Equal(0.2 * 0.3 * 24, await SingleValueAsync(influxd, Database, $"SELECT planned_energy FROM lighting_night WHERE circuit = '{Circuit}'"), 6);
    }

    private static async Task<double> SingleValueAsync(InfluxdServer influxd, string database, string query)
    {
        var series = await influxd.QueryAsync(database, query);
        return Assert.Single(Assert.Single(series).Values)[1].GetDouble();
    }

    private static SiteFileBuilder LightingSite(MosquittoBroker broker, bool relay = false)
    {
        // The lighting waits for a trusted clock (requireClockSync, by default); the site trusts it from boot
        // (SiteFileBuilder's clock: trust: rtc), as a Pi with a battery-backed clock does, whatever this machine's NTP state.
        var site = new SiteFileBuilder { Location = (50.457, 2.793) };
        var edges = Path.Combine(site.Directory, "edges.txt");
        File.WriteAllText(edges, string.Empty);
        var gpio = relay ? $"""
            gpio:
              driver: simulated
              simulatedEdges: {edges}
            """ : string.Empty;
        var relayCircuit = relay ? "\n    - { name: armoire-gare, kind: relay, pin: 17, ratedPowerW: 400 }" : string.Empty;
        site.Extra = $$"""
            {{SiteFileBuilder.LightingMqttSection(broker.Port, "gw-lighting")}}
            {{gpio}}
            lighting:
              confirmTimeout: 00:00:02
              resendMaxDelay: 00:00:08
              minimumBurnTime: 00:00:00
              circuits:
                - { name: {{Circuit}}, controller: {{Controller}}, luminaires: [l01, l02], ratedPowerW: 200 }{{relayCircuit}}
              programmes:
                - name: constant
                  steps:
                    - { at: "12:00", level: {{ProgrammeLevel}} }
              calendar:
                - { programme: constant }
            """;
        return site;
    }

    private static Uri ManagementUrl(GatewayProcess gateway, string path) => new(gateway.HealthUrl, path);

    private static async Task AddOverrideAsync(GatewayProcess gateway, int level, string reason = "test")
    {
        var now = DateTimeOffset.UtcNow;
        using var response = await Http.PostAsJsonAsync(ManagementUrl(gateway, "/lighting/overrides"), new
        {
            all = true,
            level,
            from = now.AddSeconds(-1).ToString("O"),
            until = now.AddHours(1).ToString("O"),
            reason,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"override {level} %: {(int)response.StatusCode} {body}");
    }

    private static async Task<JsonElement> WaitForCircuitAsync(GatewayProcess gateway, string state, TimeSpan timeout, int? level = null, string circuit = Circuit) =>
        await gateway.WaitForHealthAsync(
            health => CircuitOf(health, circuit) is { } device
                && device.GetProperty("state").GetString() == state
                && (level is null || Detail(device).StartsWith($"commanded {level} %", StringComparison.Ordinal)),
            timeout,
            $"circuit {circuit} {state}{(level is null ? "" : $" at {level} %")}") is var health
            ? CircuitOf(health, circuit)!.Value
            : default;

    private static JsonElement? CircuitOf(JsonElement health, string circuit) =>
        health.GetProperty("devices").EnumerateArray()
            .Where(d => d.GetProperty("bus").GetString() == "lighting" && d.GetProperty("device").GetString() == circuit)
            .Select(d => (JsonElement?)d)
            .FirstOrDefault();

    private static string Detail(JsonElement device) => device.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
}
