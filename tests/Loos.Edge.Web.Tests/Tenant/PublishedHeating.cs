using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Loos.Edge.Testing;
using Loos.Edge.Verbs;

namespace Loos.Edge.Web.Tests;

/// <summary>
/// A real influxd holding what the gateway publishes: raw heat-meter and outdoor readings are written, then the real
/// gateway (<c>loos-edge run</c> with <c>heating: publishSeries</c>) computes and forwards the <c>heating</c> and
/// <c>heating_daily</c> series. Home 12 is the worked example of the heating design (73.75 kWh over 25 days,
/// projected 573 kWh); home 30 uses ten times its heat every day; home 7 sends nothing on three days and has been silent
/// for the last three; home 99 has a link but no meter.
/// </summary>
public sealed class PublishedHeating : IAsyncLifetime
{
    public const string Database = "town";
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public InfluxdServer Influxd { get; private set; } = null!;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("loos-edge-web-").FullName;

    public string SiteFile => Path.Combine(Directory, "site.yaml");

    public async Task InitializeAsync()
    {
        Influxd = await InfluxdServer.StartNewAsync();
        await Influxd.CreateDatabaseAsync(Database);
        FirstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTime.UtcNow, Paris)).AddDays(-25);
        var first = FirstDay;
        var lines = new StringBuilder();
        for (var k = 0; k <= 25; k++)
        {
            var midnight = TimeZoneInfo.ConvertTimeToUtc(first.AddDays(k).ToDateTime(TimeOnly.MinValue), Paris);
            var kwh = 1000 + Enumerable.Range(0, k).Sum(j => 0.2 + (0.25 * (13 - (j % 5))));
            lines.Append(CultureInfo.InvariantCulture, $"heat_meter,home=12,unit=Wh energy={kwh * 1000:R} {Milliseconds(midnight)}\n");
            lines.Append(CultureInfo.InvariantCulture, $"heat_meter,home=30,unit=Wh energy={(1000 + ((kwh - 1000) * 10)) * 1000:R} {Milliseconds(midnight)}\n");
            if (k is <= 10 or (>= 14 and <= 22))
            {
                lines.Append(CultureInfo.InvariantCulture, $"heat_meter,home=7,unit=Wh energy={kwh * 2000:R} {Milliseconds(midnight.AddHours(1))}\n");
            }

            if (k < 25)
            {
                var low = 2.0 + (k % 5);
                lines.Append(CultureInfo.InvariantCulture, $"weather,sensor=outdoor,unit=°C temperature={low} {Milliseconds(midnight.AddHours(4))}\n");
                lines.Append(CultureInfo.InvariantCulture, $"weather,sensor=outdoor,unit=°C temperature={low + 6} {Milliseconds(midnight.AddHours(15))}\n");
            }
        }

        var (status, body) = await Influxd.WriteLineProtocolAsync(Database, lines.ToString());
        Assert.True(status == HttpStatusCode.NoContent, body);
        var yearStart = first is { Month: 2, Day: 29 } ? "02-28" : first.ToString("MM-dd", CultureInfo.InvariantCulture);
        File.WriteAllText(SiteFile, string.Create(CultureInfo.InvariantCulture, $"""
            site:
              name: Résidence des Acacias
            clock:
              trust: rtc
            buffer:
              directory: buffer
            forwarder:
              targets:
                - name: influxd
                  api: v1
                  url: {Influxd.Url}
                  database: {Database}
                  batchMaxAge: 00:00:00.200
            listener:
              enabled: false
            health:
              address: 127.0.0.1:{FreePort.Next()}
            heating:
              yearStart: "{yearStart}"
              tariffEurPerKwh: 0.10
              fixedEurPerYear: 50
              djuNormal: 2000
              targetEur: 150
              publishSeries: true
              publishInterval: 00:00:02
            web:
              address: 127.0.0.1:{FreePort.Next()}
              publicUrl: https://chauffage.example.fr
              influx:
                url: {Influxd.Url}
                database: {Database}
            """));
        await RunGatewayUntilAsync(async () =>
        {
            var homes = await Influxd.QueryAsync(Database, "SELECT last(\"status_code\") FROM \"heating\" GROUP BY \"home\"");
            var daily = await Influxd.QueryAsync(Database, "SELECT count(\"kwh\") FROM \"heating_daily\" GROUP BY \"home\"");
            return homes.Count == 3 && daily.Count == 3;
        });
    }

    /// <summary>The first of the 25 days of readings (today − 25, local, when the fixture started).</summary>
    public DateOnly FirstDay { get; private set; }

    /// <summary>The reading home 7 did not send on day <paramref name="k"/> (11 to 13) after <see cref="FirstDay"/>, at 01:00 local, as line protocol.</summary>
    public string MissedReadingOfHome7(int k)
    {
        var kwh = 1000 + Enumerable.Range(0, k).Sum(j => 0.2 + (0.25 * (13 - (j % 5))));
        var midnight = TimeZoneInfo.ConvertTimeToUtc(FirstDay.AddDays(k).ToDateTime(TimeOnly.MinValue), Paris);
        return string.Create(CultureInfo.InvariantCulture, $"heat_meter,home=7,unit=Wh energy={kwh * 2000:R} {Milliseconds(midnight.AddHours(1))}\n");
    }

    /// <summary>Writes <paramref name="lines"/> (readings arriving late) and runs the gateway again until <paramref name="published"/> holds.</summary>
    public async Task PublishAgainAsync(string lines, Func<Task<bool>> published)
    {
        var (status, body) = await Influxd.WriteLineProtocolAsync(Database, lines);
        Assert.True(status == HttpStatusCode.NoContent, body);
        await RunGatewayUntilAsync(published);
    }

    /// <summary>Runs the gateway until <paramref name="published"/> holds of what is in InfluxDB.</summary>
    private async Task RunGatewayUntilAsync(Func<Task<bool>> published)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "loos-edge.dll"));
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(SiteFile);
        using var gateway = Process.Start(info)!;
        var log = new StringBuilder();
        gateway.OutputDataReceived += (_, line) => { lock (log) { log.AppendLine(line.Data); } };
        gateway.ErrorDataReceived += (_, line) => { lock (log) { log.AppendLine(line.Data); } };
        gateway.BeginOutputReadLine();
        gateway.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (DateTime.UtcNow < deadline && !gateway.HasExited)
            {
                if (await published())
                {
                    return;
                }

                await Task.Delay(250);
            }

            lock (log)
            {
                throw new InvalidOperationException($"the gateway did not publish the heating series awaited within 90 s:\n{log}");
            }
        }
        finally
        {
            gateway.Kill(entireProcessTree: true);
            await gateway.WaitForExitAsync();
        }
    }

    /// <summary>Runs <c>loos-edge web token …</c> on the site file; returns the exit code and standard output.</summary>
    public async Task<(int ExitCode, string Output, string Error)> TokenAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await LoosEdgeCommand.InvokeAsync(["web", "token", .. arguments, "--config", SiteFile], new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A new link for <paramref name="home"/> (revoking any it had); returns its secret.</summary>
    public async Task<string> LinkForAsync(string home)
    {
        await TokenAsync("revoke", "--home", home);
        var (code, output, error) = await TokenAsync("create", "--home", home);
        Assert.True(code == 0, error);
        var link = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Single(line => line.StartsWith("https://", StringComparison.Ordinal));
        Assert.StartsWith("https://chauffage.example.fr/h/", link, StringComparison.Ordinal);
        return link[(link.LastIndexOf('/') + 1)..];
    }

    public async Task DisposeAsync()
    {
        await Influxd.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static long Milliseconds(DateTime utc) => new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds();
}

[CollectionDefinition(Name)]
public sealed class PublishedHeatingCollection : ICollectionFixture<PublishedHeating>
{
    public const string Name = "published heating";
}
