using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Loos.Edge.Testing;
using Loos.Edge.Verbs;

namespace Loos.Edge.Heating.Tests;

/// <summary>
/// <c>loos-edge heating report --config SITE</c> reading back from the site's InfluxDB target (a real influxd) the
/// series the gateway writes: <c>heat_meter</c> <c>energy</c> in Wh per home and the outdoor temperature.
/// </summary>
public sealed class HeatingReportInfluxTests : IDisposable
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-heating-influx-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Report_FromTheSitesInfluxdTarget_SameFiguresAsFromAFile()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync("site");
        var lines = new StringBuilder();
        for (var day = 0; day <= 30; day++)
        {
            var midnight = TimeZoneInfo.ConvertTimeToUtc(new DateTime(2025, 12, 1 + day, 0, 0, 0, DateTimeKind.Unspecified), Paris);
            var low = 2.0 + (day % 5);
            lines.Append(CultureInfo.InvariantCulture, $"weather,sensor=outdoor,unit=°C temperature={low} {Milliseconds(midnight.AddHours(4))}\n");
            lines.Append(CultureInfo.InvariantCulture, $"weather,sensor=outdoor,unit=°C temperature={low + 6} {Milliseconds(midnight.AddHours(15))}\n");
            lines.Append(CultureInfo.InvariantCulture, $"weather,sensor=roof,unit=°C temperature=40 {Milliseconds(midnight.AddHours(12))}\n"); // Another sensor: not the outdoor one.
            var kwh = 1000 + Enumerable.Range(0, day).Sum(k => 0.2 + (0.25 * (13 - (k % 5))));
            lines.Append(CultureInfo.InvariantCulture, $"heat_meter,home=12,device=home-12,unit=Wh energy={kwh * 1000:R} {Milliseconds(midnight)}\n");
            lines.Append(CultureInfo.InvariantCulture, $"heat_meter,home=12,device=home-12,unit=W power=500 {Milliseconds(midnight)}\n");
        }

        var (status, body) = await influxd.WriteLineProtocolAsync("site", lines.ToString());
        Assert.True((int)status == 204, body);
        var site = Path.Combine(directory, "site.yaml");
        File.WriteAllText(site, $"""
            buffer:
              directory: buffer
            forwarder:
              targets:
                - name: town
                  api: v1
                  url: {influxd.Url}
                  database: site
            heating:
              tariffEurPerKwh: 0.10
              fixedEurPerYear: 50
              djuNormal: 2000
              outdoor:
                tags:
                  sensor: outdoor
            """);

        var (exitCode, output, error) = await RunAsync("heating", "report", "--config", site, "--as-of", "2026-01-01", "--json");

        Assert.True(exitCode == ExitCodes.Success, error);
        using var document = JsonDocument.Parse(output);
        var home = Assert.Single(document.RootElement.GetProperty("homes").EnumerateArray());
        Assert.Equal("12", home.GetProperty("home").GetString());
        Assert.Equal(88.5, home.GetProperty("kwh_ytd").GetDouble(), 3);
        Assert.Equal(330, home.GetProperty("dju_ytd").GetDouble(), 2);
        Assert.Equal(107.3, home.GetProperty("projected_cost_eur").GetDouble(), 2);
        Assert.Equal("on-track", home.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Report_TargetUnreachable_SaysWhichTarget()
    {
        var site = Path.Combine(directory, "site.yaml");
        File.WriteAllText(site, $"""
            buffer:
              directory: buffer
            forwarder:
              targets:
                - name: town
                  api: v1
                  url: http://127.0.0.1:{FreePort.Next()}
                  database: site
            heating:
              tariffEurPerKwh: 0.10
              djuNormal: 2000
            """);

        var (exitCode, _, error) = await RunAsync("heating", "report", "--config", site, "--as-of", "2026-01-01");

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Contains("target 'town' (http://127.0.0.1:", error, StringComparison.Ordinal);
    }

    private static long Milliseconds(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LoosEdgeCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
