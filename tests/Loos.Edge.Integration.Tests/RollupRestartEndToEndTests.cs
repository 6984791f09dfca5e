using System.Globalization;
using System.Net;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>Rollups across a restart of the gateway process (a class of its own: it waits for a window to close, in parallel with the others).</summary>
public sealed class RollupRestartEndToEndTests
{
    private const string Database = RollupEndToEndTests.Database;

    /// <summary>
    /// The gateway is stopped (SIGTERM, as systemd does for an update) while a minute window is open, and started
    /// again: the window is reported whole, with the readings from before and after the restart.
    /// </summary>
    [Fact]
    public async Task Gateway_StoppedAndStartedWithAWindowOpen_ReportsTheWindowWhole()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);

        // Minute `open` is two minutes old; the grace keeps it open until about 30 s from now, through the restart.
        var now = DateTimeOffset.UtcNow;
        var open = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-2);
        var grace = TimeSpan.FromSeconds(Math.Ceiling((now + TimeSpan.FromSeconds(30) - open.AddMinutes(1)).TotalSeconds));
        var site = new SiteFileBuilder
        {
            Extra = $"""
                rollups:
                  enabled: true
                  windows: [1m]
                  grace: {grace:hh\:mm\:ss}
                """,
        }.WithInfluxV1("influxd", influxd.Url, Database);
        var stateFile = Path.Combine(site.Directory, "rollups.state");
        await using var gateway = await GatewayProcess.StartAsync(site);

        // A heat meter read every 10 s from two minutes before `open`, rising 5 Wh a reading: the first minute is the
        // first the gateway sees of it (not reported), the next one closes at once, `open` gets 3 of its 6 readings.
        var first = open.AddMinutes(-2);
        string Line(int k) => string.Create(CultureInfo.InvariantCulture, $"heat_meter,home=7 energy={1000 + (5 * k)} {first.AddSeconds(10 * k).ToUnixTimeMilliseconds()}");
        var (status, body, _) = await gateway.PostAsync(string.Join('\n', Enumerable.Range(0, 15).Select(Line)));
        Assert.True(status == HttpStatusCode.NoContent, body);
        await RollupEndToEndTests.WaitForRowsAsync(influxd, gateway, rows => rows.Count == 1);

        Assert.Equal(0, gateway.Stop());
        await gateway.WaitForLogAsync($"Rollups: the open windows of 1 series are kept in {stateFile} for the next start", TimeSpan.FromSeconds(10));
        Assert.True(File.Exists(stateFile));

        await gateway.StartAsync();
        await gateway.WaitForLogAsync($"Rollups: resumed the open windows of 1 series from {stateFile}", TimeSpan.FromSeconds(10));
        Assert.False(File.Exists(stateFile), "the state file serves one start only");
        (status, body, _) = await gateway.PostAsync(string.Join('\n', Enumerable.Range(15, 3).Select(Line)));
        Assert.True(status == HttpStatusCode.NoContent, body);

        var rows = await RollupEndToEndTests.WaitForRowsAsync(influxd, gateway, rows => rows.Count == 2 && rows[1].Count == 6);
        Assert.Equal([open.AddMinutes(-1).ToUnixTimeMilliseconds(), open.ToUnixTimeMilliseconds()], rows.Select(r => r.Time));
        Assert.All(rows, r => Assert.Equal(30, r.Increase, 9));
    }
}
