using System.Globalization;
using System.Net;
using System.Text;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>The gateway publishes each home's heating year as series, read back from its own InfluxDB target.</summary>
public sealed class HeatingSeriesEndToEndTests
{
    private const string Database = "loos_edge";
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Fact]
    public async Task Gateway_PublishSeries_HeatingFiguresArriveInInfluxd()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);

        // 25 days before today, read at local midnight: kWh/day = 0.2 + 0.25 × DJU with DJU 13 − k mod 5 (as in the
        // worked examples): 73.75 kWh, and a fit that projects 573 kWh, 107.30 € a year: on track. The heating year
        // starts on the first of these days (the day before, for a 29 February), so that they are all in the year the
        // gateway reports whatever the date: in early July the default year (from 07-01) would hold only a few of them.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTime.UtcNow, Paris));
        var first = today.AddDays(-25);
        var yearStart = first is { Month: 2, Day: 29 } ? "02-28" : first.ToString("MM-dd", CultureInfo.InvariantCulture);
        var lines = new StringBuilder();
        for (var k = 0; k <= 25; k++)
        {
            var midnight = TimeZoneInfo.ConvertTimeToUtc(first.AddDays(k).ToDateTime(TimeOnly.MinValue), Paris);
            var kwh = 1000 + Enumerable.Range(0, k).Sum(j => 0.2 + (0.25 * (13 - (j % 5))));
            lines.Append(CultureInfo.InvariantCulture, $"heat_meter,home=12,unit=Wh energy={kwh * 1000:R} {Milliseconds(midnight)}\n");
            if (k < 25)
            {
                var low = 2.0 + (k % 5);
                lines.Append(CultureInfo.InvariantCulture, $"weather,sensor=outdoor,unit=°C temperature={low} {Milliseconds(midnight.AddHours(4))}\n");
                lines.Append(CultureInfo.InvariantCulture, $"weather,sensor=outdoor,unit=°C temperature={low + 6} {Milliseconds(midnight.AddHours(15))}\n");
            }
        }

        var (status, body) = await influxd.WriteLineProtocolAsync(Database, lines.ToString());
        Assert.True(status == HttpStatusCode.NoContent, body);
        var site = new SiteFileBuilder
        {
            Extra = $"""
                heating:
                  yearStart: "{yearStart}"
                  tariffEurPerKwh: 0.10
                  fixedEurPerYear: 50
                  djuNormal: 2000
                  publishSeries: true
                  publishInterval: 00:00:02
                """,
        }.WithInfluxV1("influxd", influxd.Url, Database);
        await using var gateway = await GatewayProcess.StartAsync(site);

        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"kwh_ytd\") FROM \"heating\" WHERE \"home\" = '12'", 73.75);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"projected_cost_eur\") FROM \"heating\" WHERE \"home\" = '12'", 107.3);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"status_code\") FROM \"heating\" WHERE \"home\" = '12'", 0);
        var third = TimeZoneInfo.ConvertTimeToUtc(first.AddDays(2).ToDateTime(TimeOnly.MinValue), Paris);
        await gateway.WaitForInfluxValueAsync(influxd, Database, $"SELECT last(\"kwh\") FROM \"heating_daily\" WHERE \"home\" = '12' AND time = {Milliseconds(third)}ms", 0.2 + (0.25 * 11));
    }

    private static long Milliseconds(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
}
