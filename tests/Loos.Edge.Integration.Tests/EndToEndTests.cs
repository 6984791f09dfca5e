using System.Net;
using System.Net.Sockets;
using Loos.Edge.Testing;
using Xunit.Abstractions;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// The whole gateway process between a client posting line protocol and real targets: influxd (v1 /write) and
/// VictoriaMetrics (v2 /api/v2/write).
/// </summary>
public sealed class EndToEndTests(ITestOutputHelper output)
{
    private const string Database = "loos_edge";

    [Fact]
    public async Task Gateway_ReadingsPostedToListener_ArriveCompleteInInfluxdAndVictoriaMetrics()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        await using var victoria = await VictoriaMetricsServer.StartNewAsync();
        var site = new SiteFileBuilder()
            .WithInfluxV1("influxd", influxd.Url, Database)
            .WithInfluxV2("victoria", victoria.Url, "loos", "edge", "any-token");
        await using var gateway = await GatewayProcess.StartAsync(site);

        var posted = new PostedReadings(homes: 8);
        for (var request = 0; request < 40; request++)
        {
            var (body, points) = posted.Next(250);
            var (status, text, _) = await gateway.PostAsync(body);
            Assert.True(status == HttpStatusCode.NoContent, $"POST {request}: {(int)status} {text}");
            posted.MarkAcknowledged(points);
        }

        await posted.WaitUntilArrivedAsync(() => PostedReadings.InInfluxdAsync(influxd, Database), TimeSpan.FromSeconds(60), gateway.Tail);
        await posted.WaitUntilArrivedAsync(
            async () =>
            {
                await victoria.FlushAsync();
                return (await victoria.ExportAsync("{__name__=\"meter_energy\"}"))
                    .GroupBy(s => s.Labels["home"])
                    .ToDictionary(g => g.Key, g => (g.Sum(s => s.Values.Count), g.Sum(s => s.Values.Sum())));
            },
            TimeSpan.FromSeconds(60),
            gateway.Tail);

        var health = await gateway.WaitForHealthAsync(h => h.GetProperty("buffer").GetProperty("unsent_readings").GetInt64() == 0, TimeSpan.FromSeconds(30), "an empty queue");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.All(health.GetProperty("targets").EnumerateArray(), t => Assert.Equal(10_000, t.GetProperty("forwarded_readings").GetInt64()));
    }

    // influxd keeps one point per series and time: a batch sent again after a lost answer overwrites its own points, so
    // this shows that nothing is lost (at least once), not that nothing was sent twice.
    [Fact]
    public async Task Gateway_TargetStoppedMidStream_EveryReadingArrivesAtLeastOnce()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        await using var gateway = await GatewayProcess.StartAsync(new SiteFileBuilder().WithInfluxV1("influxd", influxd.Url, Database));

        var posted = new PostedReadings(homes: 4);
        for (var request = 0; request < 60; request++)
        {
            if (request == 20)
            {
                influxd.Stop();
            }

            if (request == 45)
            {
                await gateway.WaitForHealthAsync(h => h.GetProperty("status").GetString() == "degraded", TimeSpan.FromSeconds(30), "the target outage");
                await influxd.StartAsync();
            }

            var (body, points) = posted.Next(100);
            var (status, text, _) = await gateway.PostAsync(body);
            Assert.True(status == HttpStatusCode.NoContent, $"POST {request}: {(int)status} {text}");
            posted.MarkAcknowledged(points);
            await Task.Delay(50);
        }

        await posted.WaitUntilArrivedAsync(() => PostedReadings.InInfluxdAsync(influxd, Database), TimeSpan.FromSeconds(120), gateway.Tail);
        Assert.Equal(posted.AcknowledgedPoints.ToHashSet(), await PostedReadings.PointsInInfluxdAsync(influxd, Database));
    }

    /// <summary>
    /// SIGKILLs under load from several clients, the forwarder delivering to influxd meanwhile: LOOS_EDGE_KILLS of them
    /// (20 by default; the fault campaign runs 100 and more).
    /// </summary>
    [Fact]
    public async Task Gateway_KilledWithSigkillRepeatedlyWhileSeveralClientsPost_EveryAcknowledgedReadingArrives()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("LOOS_EDGE_KILLS"), out var configured) && configured > 0 ? configured : 20;
        const int Clients = 3;
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        await using var gateway = await GatewayProcess.StartAsync(new SiteFileBuilder().WithInfluxV1("influxd", influxd.Url, Database));
        var posted = new PostedReadings(homes: 5);
        var random = new Random(20261125);
        var started = DateTime.UtcNow;

        for (var kill = 0; kill < kills; kill++)
        {
            using var stopPosting = new CancellationTokenSource();
            var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
            {
                while (!stopPosting.IsCancellationRequested)
                {
                    string body;
                    List<(string Home, long Milliseconds, double Value)> points;
                    lock (posted)
                    {
                        (body, points) = posted.Next(50);
                    }

                    try
                    {
                        var (status, _, _) = await gateway.PostAsync(body);
                        if (status == HttpStatusCode.NoContent)
                        {
                            lock (posted)
                            {
                                posted.MarkAcknowledged(points);
                            }
                        }
                    }
                    catch (Exception exception) when (exception is HttpRequestException or IOException or SocketException)
                    {
                        // The process died under this request (a connection reset can surface as a bare socket error
                        // when it lands right after the connect): it was never acknowledged, so it may be lost.
                    }
                }
            })).ToArray();

            await Task.Delay(random.Next(150, 900));
            gateway.Kill();
            await stopPosting.CancelAsync();
            await Task.WhenAll(clients);
            await gateway.StartAsync();
        }

        Assert.True(posted.AcknowledgedCount > 50 * kills, $"only {posted.AcknowledgedCount} readings were acknowledged over {kills} kills");

        // A request the process died under may have reached the disk without its 204: it arrives too, harmlessly.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        List<(string Home, long Milliseconds)> missing;
        do
        {
            await Task.Delay(500);
            var stored = await PostedReadings.PointsInInfluxdAsync(influxd, Database);
            missing = [.. posted.AcknowledgedPoints.Where(p => !stored.Contains(p))];
        }
        while (missing.Count > 0 && DateTime.UtcNow < deadline);

        var evicted = (await gateway.HealthAsync()).GetProperty("buffer").GetProperty("evicted_readings").GetInt64();
        output.WriteLine($"{kills} SIGKILLs, {Clients} clients, {posted.AcknowledgedCount} readings acknowledged, {missing.Count} lost, {evicted} evicted, {(DateTime.UtcNow - started).TotalSeconds:F0} s");
        Assert.Equal(0, evicted);
        Assert.True(missing.Count == 0, $"{missing.Count} of {posted.AcknowledgedCount} acknowledged readings are missing after {kills} kills, first {string.Join(", ", missing.Take(5))}\n{gateway.Tail()}");
    }

    [Fact]
    public async Task Gateway_DiskCapReachedWhileTargetDown_EvictedCountEqualsWhatIsMissing()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        influxd.Stop();
        var site = new SiteFileBuilder { SegmentBytes = 64 * 1024, CapBytes = 256 * 1024 }.WithInfluxV1("influxd", influxd.Url, Database);
        await using var gateway = await GatewayProcess.StartAsync(site);

        // About 1 MiB of readings into a 256 KiB cap: most of them must be evicted.
        var posted = new PostedReadings(homes: 3);
        for (var request = 0; request < 250; request++)
        {
            var (body, points) = posted.Next(200);
            var (status, text, _) = await gateway.PostAsync(body);
            Assert.True(status == HttpStatusCode.NoContent, $"POST {request}: {(int)status} {text}");
            posted.MarkAcknowledged(points);
        }

        var health = await gateway.HealthAsync();
        var evicted = health.GetProperty("buffer").GetProperty("evicted_readings").GetInt64();
        Assert.True(evicted > 0, $"nothing was evicted: {health}");

        await influxd.StartAsync();
        health = await gateway.WaitForHealthAsync(h => h.GetProperty("buffer").GetProperty("unsent_readings").GetInt64() == 0, TimeSpan.FromSeconds(60), "an empty queue");
        var stored = await PostedReadings.PointsInInfluxdAsync(influxd, Database);
        // The batches the forwarder held while their segments were evicted (the one in flight and the one read ahead, 5,000
        // readings each at most) are delivered after all, and no longer counted.
        var evictedAfterRecovery = health.GetProperty("buffer").GetProperty("evicted_readings").GetInt64();
        Assert.Equal(posted.AcknowledgedCount - stored.Count, evictedAfterRecovery);
        Assert.InRange(evictedAfterRecovery, evicted - 2 * 5000, evicted);
    }
}
