using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// A data directory written by an earlier gateway (committed under <c>tests/Fixtures/data-directory-v1</c>, see its
/// README) is opened by the gateway of today: the readings it had not delivered reach influxd, exactly, and the pulse
/// count and the rollup windows it kept are taken up.
/// </summary>
public sealed class DataDirectoryFixtureTests
{
    private const string Database = "loos_edge";
    private const string FixtureName = "data-directory-v1";
    private const int PulsesSaved = 7;
    private const double InitialValue = 1000;

    /// <summary>Where the fixture lives in the repository.</summary>
    private static string FixtureDirectory => Path.Combine(RepositoryPaths.Root, "tests", "Fixtures", FixtureName);

    /// <summary>The fixture's readings posted through the listener: <c>fixture_meter,meter=m1 energy=5000+k</c> at <see cref="FixtureStart"/> + k seconds.</summary>
    private static readonly DateTimeOffset FixtureStart = new(2026, 12, 4, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Gateway_OpensADataDirectoryOfTheEarlierFormat_DeliversItsReadingsAndResumesItsState()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = FixtureSite(influxd.Url);
        CopyDirectory(FixtureDirectory, site.Directory);
        var pipe = Path.Combine(site.Directory, "gpio-edges");
        MakeFifo(pipe);
        using var edges = new FileStream(pipe, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        await using var gateway = await GatewayProcess.StartAsync(site);

        // The 500 posted readings the earlier gateway had not delivered arrive, each once, with its value; the 200 it
        // had delivered before do not come again.
        var posted = await WaitForPointsAsync(influxd, gateway, "SELECT \"energy\" FROM \"fixture_meter\" WHERE \"meter\" = 'm1'", 500);
        Assert.Equal(
            Enumerable.Range(200, 500).Select(k => (FixtureStart.AddSeconds(k).ToUnixTimeMilliseconds(), 5000.0 + k)),
            posted);

        // The 4 MQTT messages it had not delivered arrive; the 6 before them do not come again.
        var messages = await WaitForPointsAsync(influxd, gateway, "SELECT \"power\" FROM \"fixture_mqtt\" WHERE \"device\" = 'd1'", 4);
        Assert.Equal(
            Enumerable.Range(6, 4).Select(k => (FixtureStart.AddSeconds(k).ToUnixTimeMilliseconds(), 100.0 + k)),
            messages);

        // The pulse counter continues from its saved count: two more pulses make it 1000 + 7 + 2.
        await gateway.WaitForLogAsync($"Pulse counter general resumes at {PulsesSaved} pulses", TimeSpan.FromSeconds(10));
        edges.Write(Encoding.ASCII.GetBytes("17 pulse\n17 pulse\n"));
        await gateway.WaitForInfluxValueAsync(
            influxd,
            Database,
            "SELECT last(\"energy\") FROM \"electricity_meter\" WHERE \"device\" = 'general'",
            InitialValue + PulsesSaved + 2);

        // The rollup windows a clean stop kept are taken up, once.
        var stateFile = Path.Combine(site.Directory, "rollups.state");
        await gateway.WaitForLogAsync($"Rollups: resumed the open windows of 1 series from {stateFile}", TimeSpan.FromSeconds(10));
        Assert.False(File.Exists(stateFile), "the state file serves one start only");
        Assert.Equal(0, gateway.Stop());
    }

    /// <summary>
    /// Writes the fixture anew with the gateway of today (run by hand, see the fixture's README): 200 readings and 6
    /// MQTT messages delivered to influxd, then influxd stopped, 500 readings and 4 messages more, 7 pulses counted,
    /// and a clean stop that keeps the pulse count and the open rollup windows.
    /// </summary>
    [FixtureWriterFact]
    [Trait("Category", "FixtureWriter")]
    public async Task WriteFixture()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = FixtureSite(influxd.Url, broker.Port);
        var pipe = Path.Combine(site.Directory, "gpio-edges");
        MakeFifo(pipe);
        using var edges = new FileStream(pipe, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        await using var gateway = await GatewayProcess.StartAsync(site);
        await gateway.WaitForHealthAsync(
            health => health.GetProperty("devices").EnumerateArray().Any(d => d.GetProperty("device").GetString() == "broker" && d.GetProperty("state").GetString() == "online"),
            TimeSpan.FromSeconds(30),
            "the MQTT broker online");

        // Delivered: 200 readings in 10 posts, 6 MQTT messages, 4 pulses.
        for (var k = 0; k < 200; k += 20)
        {
            await PostAsync(gateway, k, k + 20);
        }

        await broker.PublishLinesAsync("fixture/d1/state", Enumerable.Range(0, 6).Select(MqttPayload));
        edges.Write(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("17 pulse\n", 4))));
        await WaitForPointsAsync(influxd, gateway, "SELECT \"energy\" FROM \"fixture_meter\"", 200);
        await WaitForPointsAsync(influxd, gateway, "SELECT \"power\" FROM \"fixture_mqtt\"", 6);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"energy\") FROM \"electricity_meter\" WHERE \"device\" = 'general'", InitialValue + 4);

        // Not delivered: influxd is gone; 500 readings in 25 posts with 4 messages amid them, 3 pulses more.
        influxd.Stop();
        for (var k = 200; k < 700; k += 20)
        {
            await PostAsync(gateway, k, k + 20);
            if (k == 400)
            {
                await broker.PublishLinesAsync("fixture/d1/state", Enumerable.Range(6, 4).Select(MqttPayload));
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }

        edges.Write(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("17 pulse\n", 3))));
        // The messages and pulses reach the buffer and the count file within a few seconds.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(0, gateway.Stop());

        var target = FixtureDirectory;
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        CopyDirectory(Path.Combine(site.Directory, "buffer"), Path.Combine(target, "buffer"), skip: "buffer.lock");
        CopyDirectory(Path.Combine(site.Directory, "pulse-counters"), Path.Combine(target, "pulse-counters"));
        File.Copy(Path.Combine(site.Directory, "rollups.state"), Path.Combine(target, "rollups.state"));
        File.Copy(gateway.LogFile, Path.Combine(Path.GetTempPath(), "loos-edge-fixture-writer.log"), overwrite: true);
    }

    private static SiteFileBuilder FixtureSite(Uri influxdUrl, int? brokerPort = null)
    {
        // The MQTT source only while writing: the delivery notes are in the segments, and a broker is not needed to read them.
        var mqtt = brokerPort is { } port
            ? $"""
                mqtt:
                  host: 127.0.0.1
                  port: {port}
                  clientId: gw-fixture
                  subscriptions:
                    - topic: "fixture/{"{device}"}/state"
                      payload: json
                      measurement: fixture_mqtt
                      timestamp:
                        path: ts
                        format: unix-ms
                      fields:
                        - name: power
                          unit: W
                          required: true
                """
            : string.Empty;
        return new SiteFileBuilder
        {
            SegmentBytes = 4096,
            CapBytes = 1L << 20,
            Extra = $"""
                gpio:
                  driver: simulated
                  simulatedEdges: gpio-edges
                  pulseCounters:
                    - name: general
                      pin: 17
                      pulsesPerUnit: 1000
                      initialValue: {InitialValue}
                      interval: 00:00:01
                      persistInterval: 00:00:01
                rollups:
                  enabled: true
                  windows: [1h]
                  measurements: [fixture_meter]
                  grace: 01:00:00
                  horizon: 3650.00:00:00
                {mqtt}
                """,
        }.WithInfluxV1("influxd", influxdUrl, Database);
    }

    private static async Task PostAsync(GatewayProcess gateway, int first, int end)
    {
        var lines = Enumerable.Range(first, end - first).Select(k => string.Create(
            CultureInfo.InvariantCulture,
            $"fixture_meter,meter=m1 energy={5000 + k} {FixtureStart.AddSeconds(k).ToUnixTimeMilliseconds()}"));
        var (status, body, _) = await gateway.PostAsync(string.Join('\n', lines));
        Assert.True(status == HttpStatusCode.NoContent, body);
    }

    private static string MqttPayload(int k) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"ts\": {FixtureStart.AddSeconds(k).ToUnixTimeMilliseconds()}, \"power\": {100 + k}}}");

    /// <summary>Waits until <paramref name="query"/> returns <paramref name="count"/> points, and a moment longer for any extra ones; returns (time, value).</summary>
    private static async Task<List<(long Time, double Value)>> WaitForPointsAsync(InfluxdServer influxd, GatewayProcess gateway, string query, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        List<(long Time, double Value)> points = [];
        while (DateTime.UtcNow < deadline)
        {
            var series = await influxd.QueryAsync(Database, query);
            points = series.Count == 0
                ? []
                : [.. Enumerable.Range(0, series[0].Values.Count).Select(row => (series[0][row, "time"].GetInt64(), series[0][row, series[0].Columns[1]].GetDouble()))];
            if (points.Count >= count)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                series = await influxd.QueryAsync(Database, query);
                return [.. Enumerable.Range(0, series[0].Values.Count).Select(row => (series[0][row, "time"].GetInt64(), series[0][row, series[0].Columns[1]].GetDouble()))];
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{query}: expected {count} points, found {points.Count}\n{gateway.Tail()}");
        return points;
    }

    private static void CopyDirectory(string source, string target, string? skip = null)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative == skip)
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}

/// <summary>A fact that writes a committed fixture anew: skipped unless <c>LOOS_EDGE_WRITE_FIXTURES=1</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FixtureWriterFactAttribute : FactAttribute
{
    public FixtureWriterFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LOOS_EDGE_WRITE_FIXTURES") != "1")
        {
            Skip = "Writes a committed fixture anew; run by hand with LOOS_EDGE_WRITE_FIXTURES=1.";
        }
    }
}
