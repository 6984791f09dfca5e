using System.Globalization;
using System.Net;
using System.Text;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>The gateway's own health as series, as the energy manager reads it in InfluxDB after an outage of the target.</summary>
public sealed class SelfMetricsEndToEndTests
{
    private const string Database = "loos_edge";

    /// <summary>
    /// influxd is down while a client writes faster than a small buffer can hold: the gateway's points, kept in the
    /// buffer with the readings, reach influxd once it is back and show the unsent readings growing and the hours left
    /// falling during the outage, then the eviction in <c>readings_evicted</c>.
    /// </summary>
    [Fact]
    public async Task Gateway_TargetDown_ShowsUnsentGrowingHoursLeftFallingAndTheEvictionOnceTheTargetIsBack()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        influxd.Stop();
        var site = new SiteFileBuilder
        {
            CapBytes = 512 * 1024,
            SegmentBytes = 16 * 1024,
            MetricsInterval = TimeSpan.FromSeconds(1),
        }.WithInfluxV1("influxd", influxd.Url, Database);
        await using var gateway = await GatewayProcess.StartAsync(site);

        // About 6 KB every 250 ms: the 512 KiB cap is reached after some twenty points, then the oldest segments go.
        var first = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var posted = 0;
        var postsAfterEviction = 0;
        for (var request = 0; request < 300 && postsAfterEviction < 3; request++)
        {
            var body = new StringBuilder();
            for (var i = 0; i < 300; i++, posted++)
            {
                body.Append(CultureInfo.InvariantCulture, $"meter,home=h{posted % 4} energy={posted} {first + posted}\n");
            }

            var (status, text, _) = await gateway.PostAsync(body.ToString());
            Assert.True(status == HttpStatusCode.NoContent, $"{(int)status} {text}");
            var health = await gateway.HealthAsync();
            if (health.GetProperty("buffer").GetProperty("evicted_readings").GetInt64() > 0)
            {
                postsAfterEviction++;
            }

            await Task.Delay(250);
        }

        Assert.True(postsAfterEviction == 3, $"nothing was evicted after {posted} readings\n{gateway.Tail()}");
        var targetBack = DateTimeOffset.UtcNow;
        await influxd.StartAsync();

        // Wait for a point written once the target is back and delivering.
        var rows = await WaitForRowsAsync(influxd, gateway, "SELECT state_code, forwarded_readings FROM loos_edge_target WHERE site = 'test-site' AND target = 'influxd'",
            rows => rows.Any(r => r.Time > targetBack && r.Values[0] == 0 && r.Values[1] > 0));
        Assert.All(rows.Where(r => r.Time < targetBack), r => Assert.NotEqual(0, r.Values[0]));

        var points = await WaitForRowsAsync(influxd, gateway, "SELECT unsent_readings, buffer_hours_left, readings_evicted, readings_accepted FROM loos_edge WHERE site = 'test-site'",
            rows => rows.Count(r => r.Time < targetBack) >= 4);
        var outage = points.Where(r => r.Time < targetBack).ToList();

        // Until the first eviction, every point shows more unsent readings than the one before, and hours left fall to
        // nearly none. The first points went with the oldest segments.
        var growing = outage.TakeWhile(r => r.Values[2] == 0).ToList();
        Assert.True(growing.Count >= 4, $"only {growing.Count} points before the first eviction: {Describe(outage)}");
        Assert.All(growing.Zip(growing.Skip(1)), pair => Assert.True(pair.Second.Values[0] > pair.First.Values[0], Describe(outage)));
        Assert.True(growing[^1].Values[1] < growing[0].Values[1] / 2, $"hours left did not fall: {Describe(outage)}");
        Assert.True(growing[^1].Values[1] < 1, $"the buffer was full but showed {growing[^1].Values[1]} h left: {Describe(outage)}");

        // The eviction shows in the counter, which, like readings_accepted, never goes back.
        Assert.True(points[^1].Values[2] > 0, Describe(points));
        Assert.All(points.Zip(points.Skip(1)), pair =>
        {
            Assert.True(pair.Second.Values[2] >= pair.First.Values[2], Describe(points));
            Assert.True(pair.Second.Values[3] > pair.First.Values[3], Describe(points));
        });
        Assert.True(points[^1].Values[3] >= posted, $"{points[^1].Values[3]} readings accepted, {posted} posted");
    }

    private static string Describe(IEnumerable<Row> rows) =>
        string.Join("; ", rows.Select(r => $"{r.Time:HH:mm:ss.fff} [{string.Join(", ", r.Values.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]"));

    private static async Task<List<Row>> WaitForRowsAsync(InfluxdServer influxd, GatewayProcess gateway, string query, Func<List<Row>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        var rows = new List<Row>();
        while (DateTime.UtcNow < deadline)
        {
            var series = await influxd.QueryAsync(Database, query);
            rows = series.Count == 0
                ? []
                : [.. series[0].Values.Select(v => new Row(
                    DateTimeOffset.FromUnixTimeMilliseconds(v[0].GetInt64()),
                    [.. v.Skip(1).Select(e => e.ValueKind == System.Text.Json.JsonValueKind.Number ? e.GetDouble() : double.NaN)]))];
            if (done(rows))
            {
                return rows;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"{query}: never as expected within 90 s; last: {Describe(rows)}\n{gateway.Tail()}");
        return rows;
    }

    private sealed record Row(DateTimeOffset Time, double[] Values);
}
