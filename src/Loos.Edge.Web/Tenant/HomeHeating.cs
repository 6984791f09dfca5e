using System.Text.Json;
using Loos.Edge.Heating;
using Loos.Edge.Modules;
using Loos.Edge.Web.Influx;

namespace Loos.Edge.Web.Tenant;

/// <summary>One day of a home's heating: its kWh (estimated when the meter sent nothing that day) and the site's degree-days.</summary>
internal sealed record HeatingDay(DateOnly Day, double? Kwh, bool Estimated, double? Dju);

/// <summary>
/// What a tenant's page shows of a home, as the gateway published it (<c>heating</c>, <c>heating_daily</c>): the
/// season so far, its projection over a normal winter and its status, day by day; null fields the report has not got.
/// </summary>
internal sealed record HomeHeating(
    string Home,
    DateOnly AsOf,
    double KwhYtd,
    double CostYtdEur,
    double? ProjectedKwh,
    double? ProjectedCostEur,
    int StatusCode,
    int EstimatedDays,
    IReadOnlyList<HeatingDay> Days,
    DateTimeOffset? LastMeterReading);

/// <summary>
/// Reads one home's published heating from InfluxDB in one request of four InfluxQL statements, every one restricted
/// to that home's tag (or the site's degree-days): nothing of another home is ever asked for.
/// </summary>
internal sealed class HomeHeatingReader(InfluxReader influx, ISiteContext site, TimeProvider timeProvider)
{
    /// <summary>How far back the meter's last reading is looked for before the season's first day.</summary>
    private static readonly TimeSpan MeterLookBack = TimeSpan.FromDays(30);

    /// <summary>The home's heating this season, or null when the gateway has published nothing for it yet.</summary>
    /// <exception cref="InfluxReadException">InfluxDB cannot be reached or refuses the query.</exception>
    public async Task<HomeHeating?> ReadAsync(string home, CancellationToken cancellationToken)
    {
        var zone = site.TimeZone;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), zone).DateTime);
        var seasonStart = SeasonStart(today, site.Options<HeatingOptions>().YearStart);
        var from = LocalMidnightUtc(seasonStart, zone);
        var tag = InfluxReader.Literal(home);
        var statements = string.Join(";\n",
            $"SELECT * FROM \"heating\" WHERE \"home\" = {tag} AND time >= {Instant(from)} ORDER BY time DESC LIMIT 1",
            $"SELECT \"kwh\", \"kwh_quality\" FROM \"heating_daily\" WHERE \"home\" = {tag} AND time >= {Instant(from)}",
            $"SELECT \"dju\" FROM \"heating_daily\" WHERE \"scope\" = 'site' AND time >= {Instant(from)}",
            $"SELECT last(\"energy\") FROM \"heat_meter\" WHERE \"home\" = {tag} AND time >= {Instant(from - MeterLookBack)}");
        var results = await influx.QueryAsync(statements, cancellationToken).ConfigureAwait(false);
        if (results[0] is not [{ Rows.Count: > 0 } summary, ..])
        {
            return null;
        }

        var row = summary.Rows[0];
        double? Field(string name) => summary.Column(name) is >= 0 and var index && row[index].ValueKind == JsonValueKind.Number ? row[index].GetDouble() : null;
        var asOf = LocalDay(row[0], zone);

        var days = new SortedDictionary<DateOnly, (double? Kwh, bool Estimated, double? Dju)>();
        foreach (var series in results[1])
        {
            var kwh = series.Column("kwh");
            var quality = series.Column("kwh_quality");
            foreach (var point in series.Rows)
            {
                var estimated = quality >= 0 && point[quality].ValueKind == JsonValueKind.String && point[quality].GetString() == "estimated";
                days[LocalDay(point[0], zone)] = (Number(point[kwh]), estimated, null);
            }
        }

        // Several gateways may publish their site's degree-days into one database: a day shows their mean.
        foreach (var group in results[2].SelectMany(series => series.Rows.Select(point => (Day: LocalDay(point[0], zone), Dju: Number(point[series.Column("dju")]))))
                     .Where(point => point.Dju is not null)
                     .GroupBy(point => point.Day))
        {
            var dju = group.Average(point => point.Dju!.Value);
            days[group.Key] = days.TryGetValue(group.Key, out var day) ? day with { Dju = dju } : (null, false, dju);
        }

        DateTimeOffset? lastReading = results[3] is [{ Rows.Count: > 0 } meter, ..]
            ? DateTimeOffset.FromUnixTimeMilliseconds(meter.Rows[0][0].GetInt64())
            : null;

        return new HomeHeating(
            home,
            asOf,
            Field("kwh_ytd") ?? 0,
            Field("cost_ytd_eur") ?? 0,
            Field("projected_kwh"),
            Field("projected_cost_eur"),
            (int)(Field("status_code") ?? -1),
            (int)(Field("estimated_days") ?? 0),
            [.. days.Where(day => day.Key < asOf).Select(day => new HeatingDay(day.Key, day.Value.Kwh, day.Value.Estimated, day.Value.Dju))],
            lastReading);
    }

    /// <summary>The first day of the heating season that <paramref name="today"/> is in (a report as of the first day covers the season before).</summary>
    internal static DateOnly SeasonStart(DateOnly today, string yearStart)
    {
        var (month, day) = HeatingOptions.TryParseYearStart(yearStart, out var monthDay) ? monthDay : (7, 1);
        var start = new DateOnly(today.Year, month, day);
        return start >= today ? start.AddYears(-1) : start;
    }

    private static DateTimeOffset LocalMidnightUtc(DateOnly day, TimeZoneInfo zone) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone), TimeSpan.Zero);

    private static DateOnly LocalDay(JsonElement epochMilliseconds, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds.GetInt64()), zone).DateTime);

    private static string Instant(DateTimeOffset instant) => string.Create(CultureInfo.InvariantCulture, $"'{instant.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}'");

    private static double? Number(JsonElement value) => value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
