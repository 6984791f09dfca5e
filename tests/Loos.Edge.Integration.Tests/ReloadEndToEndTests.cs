using System.Net;
using System.Text.RegularExpressions;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary><c>systemctl reload</c> (SIGHUP) on the gateway process while a client writes to its listener.</summary>
public sealed partial class ReloadEndToEndTests
{
    private const string Database = "loos_edge";

    [Fact]
    public async Task Gateway_TwentyReloadsValidAndInvalidUnderLoad_EveryAcknowledgedReadingArrivesOnce()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder { MetricsInterval = TimeSpan.FromSeconds(1) }.WithInfluxV1("influxd", influxd.Url, Database);
        await using var gateway = await GatewayProcess.StartAsync(site);
        var original = await File.ReadAllTextAsync(gateway.SiteFile);
        var posted = new PostedReadings(homes: 4);
        using var stopLoad = new CancellationTokenSource();
        var load = Task.Run(() => WriteLikeTelegrafAsync(gateway, posted, stopLoad.Token));

        for (var reload = 0; reload < 20; reload++)
        {
            await Task.Delay(300);
            var valid = reload % 2 == 0;

            // A valid file renames the site (the self-metrics' tag shows it); an invalid one has a value that does not convert.
            await File.WriteAllTextAsync(gateway.SiteFile, valid
                ? original.Replace("name: test-site", $"name: reload-{reload}", StringComparison.Ordinal)
                : original + "\nsimulation:\n  enabled: yes-please\n");
            gateway.Reload();
            await WaitForCountAsync(gateway, valid ? AppliedPattern() : RefusedPattern(), (reload / 2) + 1);
        }

        await Task.Delay(300);
        await stopLoad.CancelAsync();
        await load;

        Assert.True(posted.AcknowledgedCount > 0, gateway.Tail());
        await posted.WaitUntilArrivedAsync(() => PostedReadings.InInfluxdAsync(influxd, Database), TimeSpan.FromSeconds(60), gateway.Tail);
        var log = await File.ReadAllTextAsync(gateway.LogFile);
        Assert.Contains("simulation:enabled", log, StringComparison.Ordinal);
        Assert.Contains($"{gateway.SiteFile}:", log, StringComparison.Ordinal);

        // The last valid file is the one running: its site name tags the self-metrics.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await influxd.QueryAsync(Database, "SELECT count(\"readings_accepted\") FROM \"loos_edge\" WHERE \"site\" = 'reload-18'")).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"No self-metrics tagged with the reloaded site name\n{gateway.Tail()}");
            await Task.Delay(250);
        }

        Assert.Equal(0, gateway.Stop());
    }

    /// <summary>Posts 20 lines at a time, each with its own timestamp, and sends a refused or failed request again, as Telegraf does.</summary>
    private static async Task WriteLikeTelegrafAsync(GatewayProcess gateway, PostedReadings posted, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var (body, points) = posted.Next(20);
            while (true)
            {
                try
                {
                    var (status, _, response) = await gateway.PostAsync(body);
                    response.Dispose();
                    if (status == HttpStatusCode.NoContent)
                    {
                        posted.MarkAcknowledged(points);
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                // The request in hand is sent again whatever happens: only the next one waits for the stop.
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    private static async Task WaitForCountAsync(GatewayProcess gateway, Regex pattern, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(gateway.LogFile) && pattern.Count(await File.ReadAllTextAsync(gateway.LogFile)) >= count)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"The log never showed \"{pattern}\" {count} times\n{gateway.Tail()}");
    }

    [GeneratedRegex("Reload: .* applied")]
    private static partial Regex AppliedPattern();

    [GeneratedRegex("the running configuration is kept")]
    private static partial Regex RefusedPattern();
}
