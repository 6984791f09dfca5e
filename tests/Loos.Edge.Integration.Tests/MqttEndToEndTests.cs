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

    // influxd keeps one point per series and time, and a redelivered message carries its own timestamp: a message stored
    // twice lands on the same point, so this shows that none is lost (at least once), not that none was stored twice.
    [Fact]
    public async Task Gateway_TenThousandQoS1Messages_ThroughGatewayStopAndBrokerRestart_EveryOneInInfluxdAtLeastOnce()
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

    /// <summary>
    /// Mosquitto restarted (SIGTERM, with persistence) eight times while a publisher sends QoS 1 messages one by one:
    /// every message whose PUBACK the publisher got reaches influxd, and health shows the broker offline while it is down.
    /// </summary>
    [Fact]
    public async Task Gateway_BrokerRestartingInALoopWhilePublishing_EveryMessageTheBrokerAcknowledgedInInfluxd()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder().WithInfluxV1("influxd", influxd.Url, Database);
        site.Extra = $"""
            mqtt:
              host: 127.0.0.1
              port: {broker.Port}
              clientId: gw-restarts
              reconnect:
                minDelay: 00:00:00.100
                maxDelay: 00:00:00.500
              subscriptions:
                - topic: "loop/{"{device}"}/state"
                  payload: json
                  measurement: loop_meter
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

        var acknowledged = new List<int>();
        using var stopPublishing = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            for (var message = 1; !stopPublishing.IsCancellationRequested; message++)
            {
                try
                {
                    // mosquitto_pub -q 1 exits 0 only after the broker's PUBACK.
                    await broker.PublishAsync($"loop/d{DeviceOf(message)}/state", Payload(message));
                    acknowledged.Add(message);
                }
                catch (InvalidOperationException)
                {
                    // The broker was down or went down before its PUBACK: this message was not accepted.
                }
            }
        });

        var random = new Random(20261204);
        for (var restart = 0; restart < 8; restart++)
        {
            await Task.Delay(random.Next(500, 1500));
            broker.Stop();
            await gateway.WaitForHealthAsync(
                health => health.GetProperty("devices").EnumerateArray().Any(d => d.GetProperty("device").GetString() == "broker" && d.GetProperty("state").GetString() == "offline"),
                TimeSpan.FromSeconds(10),
                "the MQTT broker offline");
            await Task.Delay(random.Next(100, 600));
            await broker.StartAsync();
        }

        await Task.Delay(1000);
        await stopPublishing.CancelAsync();
        await publisher;
        Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} messages were acknowledged by the broker");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        List<int> missing;
        do
        {
            var stored = new HashSet<long>();
            foreach (var series in await influxd.QueryAsync(Database, "SELECT \"power\" FROM \"loop_meter\" GROUP BY \"device\""))
            {
                for (var row = 0; row < series.Values.Count; row++)
                {
                    stored.Add((long)series[row, "power"].GetDouble());
                }
            }

            missing = [.. acknowledged.Where(message => !stored.Contains(message))];
            if (missing.Count > 0)
            {
                await Task.Delay(500);
            }
        }
        while (missing.Count > 0 && DateTime.UtcNow < deadline);

        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} messages the broker acknowledged are not in influxd, first {string.Join(", ", missing.Take(5))}\n{gateway.Tail()}");
        await WaitForBrokerOnlineAsync(gateway);
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
            var actual = series.ToDictionary(s => s.Tags["device"], s => (Count: (long)s.AggregateOrZero(0, "count"), Sum: s.AggregateOrZero(0, "sum")));
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
