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
            var midnight = Midnight(first.AddDays(k));
            var kwh = 1000 + Enumerable.Range(0, k).Sum(j => 0.2 + (0.25 * (13 - (j % 5))));
            lines.Append(CultureInfo.InvariantCulture, $"heat_meter,home=12,unit=Wh energy={kwh * 1000:R} {Milliseconds(midnight)}\n");
            if (k < 25)
            {
                lines.Append(OutdoorLines(midnight, k));
            }
        }

        var (status, body) = await influxd.WriteLineProtocolAsync(Database, lines.ToString());
        Assert.True(status == HttpStatusCode.NoContent, body);
        await using var gateway = await GatewayProcess.StartAsync(HeatingSite(yearStart, influxd));

        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"kwh_ytd\") FROM \"heating\" WHERE \"home\" = '12'", 73.75);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"projected_cost_eur\") FROM \"heating\" WHERE \"home\" = '12'", 107.3);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"status_code\") FROM \"heating\" WHERE \"home\" = '12'", 0);
        var third = TimeZoneInfo.ConvertTimeToUtc(first.AddDays(2).ToDateTime(TimeOnly.MinValue), Paris);
        await gateway.WaitForInfluxValueAsync(influxd, Database, $"SELECT last(\"kwh\") FROM \"heating_daily\" WHERE \"home\" = '12' AND time = {Milliseconds(third)}ms", 0.2 + (0.25 * 11));
    }

    [Fact]
    public async Task Gateway_DayMeasuredAfterBeingEstimated_InfluxdShowsItMeasured()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);

        // Home 12 read at local midnight on 25 days before today, kWh/day = 0.2 + 0.25 × (13 − k mod 5), but the reading
        // that opens day 10 is missing at first: day 10 has no reading of its own and is published estimated.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTime.UtcNow, Paris));
        var first = today.AddDays(-25);
        var yearStart = first is { Month: 2, Day: 29 } ? "02-28" : first.ToString("MM-dd", CultureInfo.InvariantCulture);
        string MeterLine(int k) => string.Create(
            CultureInfo.InvariantCulture,
            $"heat_meter,home=12,unit=Wh energy={(1000 + Enumerable.Range(0, k).Sum(j => 0.2 + (0.25 * (13 - (j % 5))))) * 1000:R} {Milliseconds(Midnight(first.AddDays(k)))}\n");
        var lines = new StringBuilder();
        for (var k = 0; k <= 25; k++)
        {
            if (k != 10)
            {
                lines.Append(MeterLine(k));
            }

            if (k < 25)
            {
                lines.Append(OutdoorLines(Midnight(first.AddDays(k)), k));
            }
        }

        var (status, body) = await influxd.WriteLineProtocolAsync(Database, lines.ToString());
        Assert.True(status == HttpStatusCode.NoContent, body);
        await using var gateway = await GatewayProcess.StartAsync(HeatingSite(yearStart, influxd));
        var dayTen = Milliseconds(Midnight(first.AddDays(10)));
        var dayTenQuery = $"SELECT \"kwh\", \"kwh_quality\" FROM \"heating_daily\" WHERE \"home\" = '12' AND time = {dayTen}ms";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await influxd.QueryAsync(Database, dayTenQuery)) is not [{ Values.Count: 1 } estimated] || estimated[0, "kwh_quality"].GetString() != "estimated")
        {
            Assert.True(DateTime.UtcNow < deadline, $"day 10 was not published estimated:\n{gateway.Tail()}");
            await Task.Delay(250);
        }

        // The meter's reading for day 10 arrives late (a backfill after an outage): the gateway publishes the day again.
        (status, body) = await influxd.WriteLineProtocolAsync(Database, MeterLine(10));
        Assert.True(status == HttpStatusCode.NoContent, body);
        await gateway.WaitForInfluxValueAsync(influxd, Database, $"SELECT last(\"kwh\") FROM \"heating_daily\" WHERE \"home\" = '12' AND time = {dayTen}ms", 0.2 + (0.25 * 13));

        var daily = Assert.Single(await influxd.QueryAsync(Database, "SELECT \"kwh\", \"kwh_quality\" FROM \"heating_daily\" WHERE \"home\" = '12'"));
        var row = Enumerable.Range(0, daily.Values.Count).Single(r => daily[r, "time"].GetInt64() == dayTen);
        Assert.Equal(3.45, daily[row, "kwh"].GetDouble(), 9);
        Assert.Equal("good", daily[row, "kwh_quality"].GetString());

        // Every day now has a reading of its own: none is shown estimated.
        Assert.Equal(["good"], Enumerable.Range(0, daily.Values.Count).Select(r => daily[r, "kwh_quality"].GetString()).Distinct());
    }

    /// <summary>The outdoor sensor's low at 04:00 and high at 15:00 of the day starting at <paramref name="midnight"/>: DJU 13 − k mod 5.</summary>
    private static string OutdoorLines(DateTime midnight, int k)
    {
        var low = 2.0 + (k % 5);
        return string.Create(CultureInfo.InvariantCulture, $"weather,sensor=outdoor,unit=°C temperature={low} {Milliseconds(midnight.AddHours(4))}\n")
            + string.Create(CultureInfo.InvariantCulture, $"weather,sensor=outdoor,unit=°C temperature={low + 6} {Milliseconds(midnight.AddHours(15))}\n");
    }

    /// <summary>A gateway publishing the heating series every 2 s into <paramref name="influxd"/>, its year from <paramref name="yearStart"/>.</summary>
    private static SiteFileBuilder HeatingSite(string yearStart, InfluxdServer influxd) => new SiteFileBuilder
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

    private static DateTime Midnight(DateOnly day) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), Paris);

    private static long Milliseconds(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
}
