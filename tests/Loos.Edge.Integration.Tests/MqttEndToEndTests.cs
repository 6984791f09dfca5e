using System.Globalization;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// Devices publishing JSON over MQTT to a real Mosquitto (TLS with a test CA, password file, persistence), read by the
/// gateway process into a real influxd, while the gateway is stopped for a while and the broker is restarted.
/// </summary>
public sealed class MqttEndToEndTests
{
    private const string Database = "loos_edge";
    private const int Devices = 4;
    private const int Messages = 10_000;
    private const string UserName = "gateway";
    private const string Password = "pa55 word";

    /// <summary>The payloads' own clock: message i is stamped T0 + i ms, so a redelivered message is the same point.</summary>
    private static readonly long T0 = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();

    [Fact]
    public async Task Gateway_TenThousandQoS1Messages_ThroughGatewayStopAndBrokerRestart_EveryOneInInfluxdExactlyOnce()
    {
        await using var broker = await MosquittoBroker.StartNewAsync(new MosquittoOptions { Tls = true, UserName = UserName, Password = Password });
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder().WithInfluxV1("influxd", influxd.Url, Database);
        File.WriteAllText(Path.Combine(site.Directory, "mqtt.credentials"), $"{UserName}\n{Password}\n");
        site.Extra = $"""
            mqtt:
              host: localhost
              port: {broker.TlsPort}
              clientId: gw-e2e
              credentialsFile: mqtt.credentials
              tls:
                enabled: true
                caFile: {broker.CaFile}
              reconnect:
                minDelay: 00:00:00.200
                maxDelay: 00:00:01
              badPayloadLogInterval: 00:10:00
              subscriptions:
                - topic: "meters/{"{device}"}/state"
                  payload: json
                  measurement: e2e_meter
                  timestamp:
                    path: ts
                    format: unix-ms
                  fields:
                    - name: power
                      unit: W
                      required: true
            """;
        await using var gateway = await GatewayProcess.StartAsync(site);
        await WaitForBrokerOnlineAsync(gateway);

        // A: the gateway stops (SIGTERM) while messages are arriving; the broker keeps the rest for its session.
        var publishingA = PublishAsync(broker, 1, 2500);
        await Task.Delay(300);
        Assert.Equal(0, gateway.Stop());
        await publishingA;

        // B: published while the gateway is away, with a few malformed payloads among them.
        await PublishAsync(broker, 2501, 5000);
        await broker.PublishLinesAsync("meters/d1/state", ["not json", "{\"ts\": 5, \"power\": \"lots\"}", "{\"ts\": 6}", "[1, 2]"], tls: true);
        await gateway.StartAsync();

        // C: published while the gateway works through the backlog; then the broker restarts under it.
        await PublishAsync(broker, 5001, 7500);
        broker.Stop();
        await Task.Delay(500);
        await broker.StartAsync();

        // D: after the broker is back.
        await PublishAsync(broker, 7501, Messages);

        await WaitForEveryMessageAsync(influxd, gateway);
        await WaitForBrokerOnlineAsync(gateway);
        await gateway.WaitForLogAsync("meters/d1/state does not match its mapping", TimeSpan.FromSeconds(10));
        await gateway.WaitForLogAsync("lost the connection", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Gateway_TwentyShellyStatusesQueuedWhileStopped_TwentyPointsInInfluxd()
    {
        await using var broker = await MosquittoBroker.StartNewAsync(new MosquittoOptions { Tls = true, UserName = UserName, Password = Password });
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder().WithInfluxV1("influxd", influxd.Url, Database);
        File.WriteAllText(Path.Combine(site.Directory, "mqtt.credentials"), $"{UserName}\n{Password}\n");
        site.Extra = $"""
            mqtt:
              host: localhost
              port: {broker.TlsPort}
              clientId: gw-shelly
              credentialsFile: mqtt.credentials
              presetDirectory: {Path.Combine(RepositoryPaths.Root, "firmware-config", "mqtt-presets")}
              tls:
                enabled: true
                caFile: {broker.CaFile}
              subscriptions:
                - preset: shelly-gen2
            """;
        await using var gateway = await GatewayProcess.StartAsync(site);
        await WaitForBrokerOnlineAsync(gateway);
        Assert.Equal(0, gateway.Stop());

        // Switch.GetStatus of a Shelly Plus 1PM, without a timestamp; the broker queues them for the gateway's session.
        var statuses = Enumerable.Range(1, 20).Select(i => string.Create(
            CultureInfo.InvariantCulture,
            $$$"""{"id":0, "source":"timer", "output":true, "apower":{{{i}}}.5, "voltage":231.4, "current":0.212, "aenergy":{"total":{{{1500 + i}}}.25,"by_minute":[803.1,812.4,809.7],"minute_ts":1764115200}, "temperature":{"tC":41.3, "tF":106.3}}"""));
        await broker.PublishLinesAsync("shellyplus1pm-a8032ab12345/status/switch:0", statuses, tls: true);
        await gateway.StartAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var seen = "nothing";
        while (DateTime.UtcNow < deadline)
        {
            var series = await influxd.QueryAsync(Database, "SELECT count(\"apower\"), sum(\"apower\"), count(\"voltage\") FROM \"shelly\" WHERE \"device\" = 'shellyplus1pm-a8032ab12345'");
            if (series.Count == 1 && series[0][0, "count"].GetInt64() == 20)
            {
                Assert.Equal(Enumerable.Range(1, 20).Sum(i => i + 0.5), series[0][0, "sum"].GetDouble(), 6);
                Assert.Equal(20, series[0][0, "count_1"].GetInt64());
                return;
            }

            seen = series.Count == 1 ? $"{series[0][0, "count"].GetInt64()} point(s)" : "no series";
            await Task.Delay(500);
        }

        Assert.Fail($"Expected 20 points of apower in influxd, found {seen}\n{gateway.Tail()}");
    }

    private static int DeviceOf(int message) => message % Devices;

    private static Task PublishAsync(MosquittoBroker broker, int first, int last) =>
        Task.WhenAll(Enumerable.Range(0, Devices).Select(device => broker.PublishLinesAsync(
            $"meters/d{device}/state",
            Enumerable.Range(first, last - first + 1).Where(i => DeviceOf(i) == device).Select(Payload),
            tls: true)));

    private static string Payload(int message) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"ts\": {T0 + message}, \"power\": {message}, \"rssi\": -60}}");

    private static async Task WaitForBrokerOnlineAsync(GatewayProcess gateway) =>
        await gateway.WaitForHealthAsync(
            health => health.GetProperty("devices").EnumerateArray().Any(d => d.GetProperty("device").GetString() == "broker" && d.GetProperty("state").GetString() == "online"),
            TimeSpan.FromSeconds(30),
            "the MQTT broker online");

    private static async Task WaitForEveryMessageAsync(InfluxdServer influxd, GatewayProcess gateway)
    {
        var expected = Enumerable.Range(0, Devices).ToDictionary(
            device => $"d{device}",
            device => (Count: (long)Enumerable.Range(1, Messages).Count(i => DeviceOf(i) == device), Sum: (double)Enumerable.Range(1, Messages).Where(i => DeviceOf(i) == device).Sum(i => (long)i)));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "nothing";
        while (DateTime.UtcNow < deadline)
        {
            var series = await influxd.QueryAsync(Database, "SELECT count(\"power\"), sum(\"power\") FROM \"e2e_meter\" WHERE \"unit\" = 'W' GROUP BY \"device\"");
            var actual = series.ToDictionary(s => s.Tags["device"], s => (Count: s[0, "count"].GetInt64(), Sum: s[0, "sum"].GetDouble()));
            if (actual.Count == expected.Count && expected.All(pair => actual.TryGetValue(pair.Key, out var seen) && seen == pair.Value))
            {
                return;
            }

            last = string.Join(", ", actual.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}: {pair.Value.Count} / {pair.Value.Sum}"));
            await Task.Delay(500);
        }

        Assert.Fail($"Expected per device {string.Join(", ", expected.Select(pair => $"{pair.Key}: {pair.Value.Count} / {pair.Value.Sum}"))}; influxd has {last}\n{gateway.Tail()}");
    }
}
