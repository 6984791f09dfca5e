using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// The demo's site file (<c>./install.sh --demo</c>), run as it is apart from its addresses and folders: within a
/// minute of the start, the heating report and the rollups show the season behind the simulated homes.
/// </summary>
public sealed partial class DemoSiteEndToEndTests
{
    private const string Database = "loos_edge";
    private static readonly TimeSpan FirstMinute = TimeSpan.FromSeconds(60);

    /// <summary>Three meters' days over the 183 days of history, less a few at its ends.</summary>
    private const int MinimumDailyRollups = 3 * 180;

    [Fact]
    public async Task DemoSite_FirstMinute_HeatingReportHasEveryStatusAndRollupsAreQueryable()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder();
        site.Text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "firmware-config", "site.demo.yaml"))
            .Replace("../.work/demo/buffer", site.BufferDirectory, StringComparison.Ordinal)
            .Replace("http://127.0.0.1:18086", influxd.Url.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace("127.0.0.1:8186", $"127.0.0.1:{site.ListenerPort}", StringComparison.Ordinal)
            .Replace("127.0.0.1:8187", $"127.0.0.1:{site.HealthPort}", StringComparison.Ordinal);
        await using var gateway = await GatewayProcess.StartAsync(site);
        var started = Stopwatch.StartNew();

        Dictionary<string, string> statuses = [];
        long rollups = 0;
        while (started.Elapsed < FirstMinute)
        {
            var (exitCode, output, _) = await GatewayProcess.RunCliAsync("heating", "report", "--config", gateway.SiteFile, "--json");
            statuses = exitCode == 0
                ? JsonDocument.Parse(output).RootElement.GetProperty("homes").EnumerateArray().ToDictionary(h => h.GetProperty("home").GetString()!, h => h.GetProperty("status").GetString()!)
                : [];
            var counted = await influxd.QueryAsync(Database, "SELECT count(\"energy_increase\") FROM \"heat_meter_1d\"");
            rollups = counted.Count == 0 ? 0 : counted[0][0, "count"].GetInt64();
            if (statuses.Count == 3 && !statuses.ContainsValue("no-data") && rollups >= MinimumDailyRollups)
            {
                break;
            }

            await Task.Delay(1000);
        }

        Assert.True(started.Elapsed < FirstMinute, $"after {started.Elapsed}: statuses [{string.Join(", ", statuses.Values)}], {rollups} daily rollups\n{gateway.Tail()}");

        // The demo's homes are chosen to show each status a tenant can see.
        Assert.Equal("on-track", statuses["cite-6-logement-01"]);
        Assert.Equal("at-risk", statuses["cite-6-logement-02"]);
        Assert.Equal("over", statuses["cite-6-logement-03"]);

        Assert.InRange(rollups, MinimumDailyRollups, 3 * 184);
        Assert.Matches(HistoryLog(), await File.ReadAllTextAsync(gateway.LogFile));
    }

    [GeneratedRegex(@"Simulated devices: \d{4} hours of history written")]
    private static partial Regex HistoryLog();
}
