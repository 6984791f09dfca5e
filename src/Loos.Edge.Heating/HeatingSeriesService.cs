using Loos.Edge.Aggregation.Heating;
using Loos.Edge.Aggregation.Rollups;
using Loos.Edge.Core;
using Loos.Edge.Forwarding;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Heating;

/// <summary>
/// Publishes the heating report as series for Grafana: at start and every <c>heating:publishInterval</c>, reads the
/// heating year back from the InfluxDB target (as <c>loos-edge heating report</c> does) and writes through the buffer
/// <c>heating,home=…</c> (kwh_ytd, cost_ytd_eur, dju_ytd, days, estimated_days, projected_kwh, projected_cost_eur,
/// a_kwh_per_day, b_kwh_per_dju, status_code: 0 on track, 1 at risk, 2 over, −1 no data) stamped with the report
/// date's local midnight, and <c>heating_daily,home=…</c> kwh per day with its quality (kwh_quality "good", or
/// "estimated" for a day without a meter reading) and the site's <c>heating_daily,scope=site</c> dju. Points written
/// again replace the previous ones in InfluxDB, their quality included.
/// </summary>
internal sealed partial class HeatingSeriesService(
    HeatingOptions options,
    TargetOptions target,
    IReadingSink sink,
    IBufferMonitor buffer,
    ISeriesCatalog catalog,
    TimeProvider timeProvider,
    ILogger<HeatingSeriesService> logger) : BackgroundService
{
    private static readonly string[] SummaryFields =
        ["kwh_ytd", "cost_ytd_eur", "dju_ytd", "days", "estimated_days", "projected_kwh", "projected_cost_eur", "a_kwh_per_day", "b_kwh_per_dju", "status_code"];

    /// <summary>How often the first publication looks whether the target has caught up with the buffer.</summary>
    private static readonly TimeSpan CatchUpPoll = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var parameters = options.ToParameters();
        await WaitForTargetToCatchUpAsync(stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishAsync(parameters, stoppingToken).ConfigureAwait(false);
            }
            catch (HeatingReadingsException exception)
            {
                LogReadFailed(logger, exception.Message);
            }
            catch (BufferFullException exception)
            {
                LogReadFailed(logger, exception.Message);
            }

            await Task.Delay(options.PublishInterval, timeProvider, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Before the first publication, waits (at most one interval) until the target has every reading that was buffered
    /// before the start, so that a backlog (after an outage, or a history written at start) is in the report at once.
    /// </summary>
    private async Task WaitForTargetToCatchUpAsync(CancellationToken stoppingToken)
    {
        var start = timeProvider.GetUtcNow();
        var giveUp = start + options.PublishInterval;
        while (timeProvider.GetUtcNow() < giveUp && HasUnsentBefore(start))
        {
            await Task.Delay(CatchUpPoll, timeProvider, stoppingToken).ConfigureAwait(false);
        }
    }

    private bool HasUnsentBefore(DateTimeOffset start) =>
        buffer.GetStatistics().Consumers.FirstOrDefault(c => c.Name == target.Name) is { OldestUnsentTimestamp: { } oldest } && oldest < start;

    private async Task PublishAsync(HeatingParameters parameters, CancellationToken cancellationToken)
    {
        var asOf = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), parameters.TimeZone).DateTime);
        var year = HeatingYear.Before(asOf, parameters);
        var data = await HeatingReadingsInflux.ReadAsync(target, options, year, cancellationToken).ConfigureAwait(false);
        var dju = new double[year.DaysElapsed];
        DegreeDays.Daily(year, data.OutdoorTicks, data.OutdoorCelsius, parameters.BaseTemperatureCelsius, dju);
        var readings = new List<Reading>();
        var siteDju = catalog.Intern(new SeriesKey(DerivedSeries.HeatingDailyMeasurement, [new Tag("scope", "site")], "dju", "K·d"));
        for (var d = 0; d < dju.Length; d++)
        {
            if (!double.IsNaN(dju[d]))
            {
                readings.Add(new Reading(siteDju, DayStart(year, d), dju[d]));
            }
        }

        var homes = HeatingReport.Compute(data.Homes, data.OutdoorTicks, data.OutdoorCelsius, asOf, parameters, (home, kwh, coverage) =>
        {
            // A day estimated now may be measured at a later publication: its quality is written either way.
            var daily = catalog.Intern(new SeriesKey(DerivedSeries.HeatingDailyMeasurement, [new Tag("home", home)], "kwh", "kWh", republished: true));
            for (var d = 0; d < kwh.Length; d++)
            {
                if ((coverage[d] & DayCoverage.Covered) != 0)
                {
                    var quality = (coverage[d] & DayCoverage.HasReading) != 0 ? Quality.Good : Quality.Estimated;
                    readings.Add(new Reading(daily, DayStart(year, d), kwh[d], quality));
                }
            }
        });

        var stamp = DayStart(year, year.DaysElapsed);
        foreach (var home in homes)
        {
            double[] values =
            [
                home.KwhYtd, home.CostYtdEur, home.DjuYtd, home.Days, home.EstimatedDays, home.ProjectedKwh, home.ProjectedCostEur,
                home.AKwhPerDay ?? double.NaN, home.BKwhPerDju ?? double.NaN, StatusCode(home.Status),
            ];
            for (var f = 0; f < SummaryFields.Length; f++)
            {
                var kind = f is 3 or 4 or 9 ? ValueKind.Integer : ValueKind.Float;
                var id = catalog.Intern(new SeriesKey(DerivedSeries.HeatingMeasurement, [new Tag("home", home.Home)], SummaryFields[f], string.Empty, kind));
                if (!double.IsNaN(values[f]))
                {
                    readings.Add(new Reading(id, stamp, values[f]));
                }
            }
        }

        await sink.AppendAsync(readings.ToArray(), AppendDurability.Written, cancellationToken).ConfigureAwait(false);
        LogPublished(logger, asOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), homes.Count, homes.Count(h => h.Status == "on-track"), homes.Count(h => h.Status == "at-risk"), homes.Count(h => h.Status == "over"), homes.Count(h => h.Status == "no-data"));
    }

    private static DateTimeOffset DayStart(HeatingYear year, int day) => new(year.DayStartTicks[day], TimeSpan.Zero);

    private static double StatusCode(string status) => status switch
    {
        "on-track" => 0,
        "at-risk" => 1,
        "over" => 2,
        _ => -1,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Heating as of {AsOf}: {Homes} homes, {OnTrack} on track, {AtRisk} at risk, {Over} over, {NoData} without a day of data yet")]
    private static partial void LogPublished(ILogger logger, string asOf, int homes, int onTrack, int atRisk, int over, int noData);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heating series not published: {Reason}; next try at the next interval")]
    private static partial void LogReadFailed(ILogger logger, string reason);
}
