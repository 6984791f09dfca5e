using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Loos.Edge.Aggregation.Heating;
using Loos.Edge.Forwarding;
using Loos.Edge.Heating;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Verbs;

/// <summary>
/// <c>loos-edge heating report</c>: each home's heating year so far against the target (150 € by default), corrected
/// for the climate, from a readings CSV file or from the site's InfluxDB target. Parameters come from the site file's
/// <c>heating</c> section, and the flags override them. Exit codes: 0 report printed, 1 the readings cannot be read, 2 bad arguments or site file.
/// </summary>
internal static class HeatingVerb
{
    private const string Name = "loos-edge heating report";

    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c") { Description = "The site file (its heating section)." };
        var readings = new Option<string?>("--readings") { Description = "A CSV file: time (ISO 8601 UTC), home (empty for the outdoor sensor), quantity (energy_kwh or outdoor_c), value. Without it, the site file's InfluxDB target is queried." };
        var targetName = new Option<string?>("--target") { Description = "Which of the site file's forwarder targets to query (default: the first)." };
        var asOf = new Option<string?>("--as-of") { Description = "The report date (yyyy-MM-dd): the days of the heating year before it; default today." };
        var tariff = new Option<double?>("--tariff-eur-per-kwh") { Description = "Energy price, €/kWh." };
        var fixedPart = new Option<double?>("--fixed-eur-per-year") { Description = "Fixed annual part of the bill, €." };
        var djuNormal = new Option<double?>("--dju-normal") { Description = "Degree-days of a normal year at the site (base 18 °C)." };
        var target = new Option<double?>("--target-eur") { Description = "The yearly target, € (default 150)." };
        var yearStart = new Option<string?>("--year-start") { Description = "First day of the heating year, MM-DD (default 07-01)." };
        var json = CommonOptions.Json();
        var csv = new Option<bool>("--csv") { Description = "Print CSV." };
        var report = new Command("report", "Each home's heating cost so far and projected over a normal year, against the target.")
        {
            config, readings, targetName, asOf, tariff, fixedPart, djuNormal, target, yearStart, json, csv,
        };
        report.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var options = new HeatingOptions();
            SiteConfiguration? site = null;
            var configPath = parse.GetValue(config);
            if (configPath is not null)
            {
                try
                {
                    site = SiteConfiguration.Load(configPath);
                    options = site.Options<HeatingOptions>();
                }
                catch (SiteFileException exception)
                {
                    await error.WriteLineAsync(exception.Message).ConfigureAwait(false);
                    return ExitCodes.InvalidSiteFile;
                }
            }

            HeatingParameters parameters;
            try
            {
                parameters = options.ToParameters(parse.GetValue(tariff), parse.GetValue(fixedPart), parse.GetValue(djuNormal), parse.GetValue(target), parse.GetValue(yearStart));
            }
            catch (ArgumentException exception)
            {
                await error.WriteLineAsync($"{Name}: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTime.UtcNow, parameters.TimeZone));
            if (parse.GetValue(asOf) is { } asOfText && !DateOnly.TryParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                await error.WriteLineAsync($"{Name}: --as-of '{asOfText}' is not a date yyyy-MM-dd").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            if (parse.GetValue(json) && parse.GetValue(csv))
            {
                await error.WriteLineAsync($"{Name}: give at most one of --json or --csv").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            var year = HeatingYear.Before(date, parameters);
            var path = parse.GetValue(readings);
            var influxTarget = site?.Options<ForwarderOptions>().Targets.FirstOrDefault(t => parse.GetValue(targetName) is not { } wanted || t.Name == wanted);
            if (path is null && influxTarget is null)
            {
                await error.WriteLineAsync(site is null
                    ? $"{Name}: give --readings FILE, or --config FILE to query the site's InfluxDB target"
                    : $"{Name}: the site file has no forwarder target{(parse.GetValue(targetName) is { } wanted ? $" named '{wanted}'" : string.Empty)} to query; give --readings FILE").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            HeatingReadings data;
            try
            {
                if (path is not null)
                {
                    await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
                    data = HeatingReadingsCsv.Read(stream, path, options.RulesFor);
                }
                else
                {
                    data = await HeatingReadingsInflux.ReadAsync(influxTarget!, options, year, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or HeatingReadingsException)
            {
                await error.WriteLineAsync($"{Name}: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var homes = HeatingReport.Compute(data.Homes, data.OutdoorTicks, data.OutdoorCelsius, date, parameters);
            var text = parse.GetValue(json) ? Json(homes, date, year, parameters)
                : parse.GetValue(csv) ? Csv(homes)
                : Table(homes, date, year, parameters);
            await output.WriteLineAsync(text).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return new Command("heating", "The homes' heating against the yearly target.") { report };
    }

    private static readonly string[] Columns =
        ["home", "kwh_ytd", "cost_ytd_eur", "dju_ytd", "days", "a_kwh_per_day", "b_kwh_per_dju", "projected_kwh", "projected_cost_eur", "status", "estimated_days"];

    private static string Table(IReadOnlyList<HomeHeating> homes, DateOnly asOf, HeatingYear year, HeatingParameters parameters)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Heating year from {year.FirstDay:yyyy-MM-dd}, as of {asOf:yyyy-MM-dd} ({year.DaysElapsed} days); target {parameters.TargetEur:0.##} €/year, {parameters.TariffEurPerKwh:0.####} €/kWh + {parameters.FixedEurPerYear:0.##} €/year, normal year {parameters.DjuNormal:0} DJU").AppendLine();
        text.AppendLine("home                 days  est     kWh so far   € so far    DJU    a kWh/day  b kWh/DJU   projected kWh  projected €  status");
        foreach (var home in homes)
        {
            text.Append(CultureInfo.InvariantCulture, $"{home.Home,-20} {home.Days,4} {home.EstimatedDays,4} {home.KwhYtd,14:0.0} {home.CostYtdEur,10:0.00} {home.DjuYtd,6:0} {Optional(home.AKwhPerDay),12} {Optional(home.BKwhPerDju),10} {home.ProjectedKwh,15:0} {home.ProjectedCostEur,12:0.00}  {home.Status}").AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"{homes.Count(h => h.Status == "on-track")} on track, {homes.Count(h => h.Status == "at-risk")} at risk, {homes.Count(h => h.Status == "over")} over, {homes.Count(h => h.Status == "no-data")} without data");
        return text.ToString();

        static string Optional(double? value) => value?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-";
    }

    private static string Json(IReadOnlyList<HomeHeating> homes, DateOnly asOf, HeatingYear year, HeatingParameters parameters)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("as_of", asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            writer.WriteString("year_start", year.FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            writer.WriteNumber("days_elapsed", year.DaysElapsed);
            writer.WriteNumber("target_eur", parameters.TargetEur);
            writer.WriteStartArray("homes");
            foreach (var home in homes)
            {
                writer.WriteStartObject();
                writer.WriteString("home", home.Home);
                writer.WriteNumber("kwh_ytd", Math.Round(home.KwhYtd, 3));
                writer.WriteNumber("cost_ytd_eur", Math.Round(home.CostYtdEur, 2));
                writer.WriteNumber("dju_ytd", Math.Round(home.DjuYtd, 2));
                writer.WriteNumber("days", home.Days);
                WriteOptional(writer, "a_kwh_per_day", home.AKwhPerDay);
                WriteOptional(writer, "b_kwh_per_dju", home.BKwhPerDju);
                writer.WriteNumber("projected_kwh", Math.Round(home.ProjectedKwh, 3));
                writer.WriteNumber("projected_cost_eur", Math.Round(home.ProjectedCostEur, 2));
                writer.WriteString("status", home.Status);
                writer.WriteNumber("estimated_days", home.EstimatedDays);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());

        static void WriteOptional(Utf8JsonWriter writer, string name, double? value)
        {
            if (value is { } number)
            {
                writer.WriteNumber(name, Math.Round(number, 6));
            }
            else
            {
                writer.WriteNull(name);
            }
        }
    }

    private static string Csv(IReadOnlyList<HomeHeating> homes)
    {
        var text = new StringBuilder(string.Join(',', Columns)).AppendLine();
        foreach (var home in homes)
        {
            text.AppendJoin(',', [
                home.Home.Contains(',', StringComparison.Ordinal) ? $"\"{home.Home}\"" : home.Home,
                Number(home.KwhYtd, "0.###"), Number(home.CostYtdEur, "0.##"), Number(home.DjuYtd, "0.##"), home.Days.ToString(CultureInfo.InvariantCulture),
                home.AKwhPerDay is { } a ? Number(a, "0.######") : string.Empty, home.BKwhPerDju is { } b ? Number(b, "0.######") : string.Empty,
                Number(home.ProjectedKwh, "0.###"), Number(home.ProjectedCostEur, "0.##"), home.Status, home.EstimatedDays.ToString(CultureInfo.InvariantCulture)]).AppendLine();
        }

        return text.ToString().TrimEnd();

        static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
    }
}
