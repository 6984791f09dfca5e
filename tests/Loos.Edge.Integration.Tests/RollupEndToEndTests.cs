using System.Globalization;
using System.Net;
using System.Text;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>The gateway process rolls its readings up into derived series that reach a real influxd; a late reading recomputes its window.</summary>
public sealed class RollupEndToEndTests
{
    internal const string Database = "loos_edge";

    [Fact]
    public async Task Gateway_MinuteRollups_ArriveAsDerivedSeries_LateReadingRecomputesItsWindow()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder
        {
            Extra = """
                rollups:
                  enabled: true
                  windows: [1m]
                  grace: 00:00:01
                """,
        }.WithInfluxV1("influxd", influxd.Url, Database);
        await using var gateway = await GatewayProcess.StartAsync(site);

        // A heat meter read every 10 s for 8 minutes in the recent past, rising 5 Wh a reading; reading 20 (in minute 3) comes late.
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-10);
        string Line(int k) => string.Create(CultureInfo.InvariantCulture, $"heat_meter,home=7 energy={1000 + (5 * k)} {start.AddSeconds(10 * k).ToUnixTimeMilliseconds()}");
        var (status, body, _) = await gateway.PostAsync(string.Join('\n', Enumerable.Range(0, 48).Where(k => k != 20).Select(Line)));
        Assert.True(status == HttpStatusCode.NoContent, body);

        // Minutes 1 to 7 are complete: 6 readings (5 in minute 3 so far) and 30 Wh each; minute 0 was the first the gateway saw of the series.
        var rows = await WaitForRowsAsync(influxd, gateway, rows => rows.Count == 7);
        Assert.Equal(Enumerable.Range(1, 7).Select(m => start.AddMinutes(m).ToUnixTimeMilliseconds()), rows.Select(r => r.Time));
        Assert.All(rows, r => Assert.Equal(30, r.Increase, 9));
        Assert.Equal([6L, 6, 5, 6, 6, 6, 6], rows.Select(r => r.Count));

        (status, body, _) = await gateway.PostAsync(Line(20));
        Assert.True(status == HttpStatusCode.NoContent, body);

        rows = await WaitForRowsAsync(influxd, gateway, rows => rows.Count == 7 && rows[2].Count == 6);
        Assert.All(rows, r => Assert.Equal(6, r.Count));
        Assert.All(rows, r => Assert.Equal(30, r.Increase, 9));
    }

    internal static async Task<List<(long Time, long Count, double Increase)>> WaitForRowsAsync(InfluxdServer influxd, GatewayProcess gateway, Func<List<(long Time, long Count, double Increase)>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var rows = new List<(long Time, long Count, double Increase)>();
        while (DateTime.UtcNow < deadline)
        {
            var series = await influxd.QueryAsync(Database, "SELECT \"energy_count\", \"energy_increase\" FROM \"heat_meter_1m\" WHERE \"home\" = '7'");
            rows = series.Count == 0 ? [] : [.. Enumerable.Range(0, series[0].Values.Count).Select(i => (
                series[0][i, "time"].GetInt64(),
                series[0][i, "energy_count"].GetInt64(),
                series[0][i, "energy_increase"].GetDouble()))];
            if (done(rows))
            {
                return rows;
            }

            await Task.Delay(250);
        }

        var seen = new StringBuilder();
        foreach (var row in rows)
        {
            seen.Append(CultureInfo.InvariantCulture, $"\n  {row}");
        }

        Assert.Fail($"heat_meter_1m rows not as expected; seen:{seen}\n{gateway.Tail()}");
        return rows;
    }
}
