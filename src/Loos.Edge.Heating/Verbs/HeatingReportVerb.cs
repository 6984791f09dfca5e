using System.Text;
using Loos.Edge.Aggregation.Heating;
using Loos.Edge.Forwarding;
using Loos.Edge.Heating;
using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Heating;

/// <summary>
/// <c>loos-edge heating report</c>: each home's heating year so far against the target (150 € by default), corrected
/// for the climate, from a readings CSV file or from the site's InfluxDB target. Parameters come from the site file's
/// <c>heating</c> section, and the flags override them.
/// </summary>
internal sealed class HeatingReportVerb : Verb
{
    private const string Name = "loos-edge heating report";

    private static readonly string[] Columns =
        ["home", "kwh_ytd", "cost_ytd_eur", "dju_ytd", "days", "a_kwh_per_day", "b_kwh_per_dju", "projected_kwh", "projected_cost_eur", "status", "estimated_days"];

    private readonly Option<string?> config = CommonOptions.OptionalConfig("The site file (its heating section).");
    private readonly Option<string?> readings = new("--readings") { Description = "A CSV file: time (ISO 8601 UTC), home (empty for the outdoor sensor), quantity (energy_kwh or outdoor_c), value. Without it, the site file's InfluxDB target is queried." };
    private readonly Option<string?> targetName = new("--target") { Description = "Which of the site file's forwarder targets to query (default: the first)." };
    private readonly Option<DateOnly?> asOf = TypedOptions.Parsed("--as-of", (string text, out DateOnly? date) =>
    {
        date = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : null;
        return date is null ? $"--as-of '{text}' is not a date yyyy-MM-dd" : null;
    });

    private readonly Option<double?> tariff = TypedOptions.OptionalDecimal("--tariff-eur-per-kwh");
    private readonly Option<double?> fixedPart = TypedOptions.OptionalDecimal("--fixed-eur-per-year");
    private readonly Option<double?> djuNormal = TypedOptions.OptionalDecimal("--dju-normal");
    private readonly Option<double?> target = TypedOptions.OptionalDecimal("--target-eur");
    private readonly Option<string?> yearStart = new("--year-start") { Description = "First day of the heating year, MM-DD (default 07-01)." };
    private readonly Option<bool> json = CommonOptions.Json();
    private readonly Option<bool> csv = new("--csv") { Description = "Print CSV." };

    private readonly IVerbContext context;

    public HeatingReportVerb(IVerbContext context)
        : base("report", "Each home's heating cost so far and projected over a normal year, against the target.")
    {
        this.context = context;
        tariff.Description = "Energy price, €/kWh.";
        fixedPart.Description = "Fixed annual part of the bill, €.";
        djuNormal.Description = "Degree-days of a normal year at the site (base 18 °C).";
        target.Description = "The yearly target, € (default 150).";
        asOf.Description = "The report date (yyyy-MM-dd): the days of the heating year before it; default today.";
        Add(config, readings, targetName, asOf, tariff, fixedPart, djuNormal, target, yearStart, json, csv);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var options = new HeatingOptions();
        ISiteContext? site = null;
        if (parse.GetValue(config) is { } configPath)
        {
            site = await context.LoadSiteAsync(configPath, error).ConfigureAwait(false);
            if (site is null)
            {
                return ExitCodes.InvalidSiteFile;
            }

            options = site.Options<HeatingOptions>();
        }

        HeatingParameters parameters;
        try
        {
            parameters = options.ToParameters(parse.GetValue(tariff), parse.GetValue(fixedPart), parse.GetValue(djuNormal), parse.GetValue(target), parse.GetValue(yearStart));
        }
        catch (ArgumentException exception)
        {
            return await BadArguments.ReportAsync(parse, exception.Message).ConfigureAwait(false);
        }

        var date = parse.GetValue(asOf) ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), parameters.TimeZone).DateTime);
        if (parse.GetValue(json) && parse.GetValue(csv))
        {
            return await BadArguments.ReportAsync(parse, "give at most one of --json or --csv").ConfigureAwait(false);
        }

        var year = HeatingYear.Before(date, parameters);
        var path = parse.GetValue(readings);
        var influxTarget = site?.Options<ForwarderOptions>().Targets.FirstOrDefault(t => parse.GetValue(targetName) is not { } wanted || t.Name == wanted);
        if (path is null && influxTarget is null)
        {
            return await BadArguments.ReportAsync(parse, site is null
                ? "give --readings FILE, or --config FILE to query the site's InfluxDB target"
                : $"the site file has no forwarder target{(parse.GetValue(targetName) is { } wanted ? $" named '{wanted}'" : string.Empty)} to query; give --readings FILE").ConfigureAwait(false);
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
    }

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

    private static string Json(IReadOnlyList<HomeHeating> homes, DateOnly asOf, HeatingYear year, HeatingParameters parameters) => JsonText.Write(
        writer =>
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
                writer.WriteNumberOrNull("a_kwh_per_day", home.AKwhPerDay, decimals: 6);
                writer.WriteNumberOrNull("b_kwh_per_dju", home.BKwhPerDju, decimals: 6);
                writer.WriteNumber("projected_kwh", Math.Round(home.ProjectedKwh, 3));
                writer.WriteNumber("projected_cost_eur", Math.Round(home.ProjectedCostEur, 2));
                writer.WriteString("status", home.Status);
                writer.WriteNumber("estimated_days", home.EstimatedDays);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        },
        indented: true);

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
