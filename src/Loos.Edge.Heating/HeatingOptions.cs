using System.Globalization;
using Loos.Edge.Aggregation.Counters;
using Loos.Edge.Aggregation.Heating;
using Loos.Edge.Core;

namespace Loos.Edge.Heating;

/// <summary>The site file's <c>heating</c> section: the homes' tariff and target, the climate, and declared meter replacements.</summary>
public sealed class HeatingOptions
{
    /// <summary>The section's name in the site file.</summary>
    public const string SectionName = "heating";

    /// <summary>The measurement and field of the homes' heat-meter counters (the M-Bus heat-meter profile's).</summary>
    public const string HeatMeterMeasurement = "heat_meter";

    /// <inheritdoc cref="HeatMeterMeasurement"/>
    public const string HeatMeterField = "energy";

    /// <summary>The zone of the local days; Europe/Paris by default.</summary>
    public string TimeZone { get; set; } = "Europe/Paris";

    /// <summary>The energy price, € per kWh; required for a report.</summary>
    public double? TariffEurPerKwh { get; set; }

    /// <summary>The fixed annual part of the bill, € per year; 0 by default.</summary>
    public double FixedEurPerYear { get; set; }

    /// <summary>The degree-days (base 18 °C) of a normal year at the site; required for a report.</summary>
    public double? DjuNormal { get; set; }

    /// <summary>The yearly cost the homes were built for; 150 € by default.</summary>
    public double TargetEur { get; set; } = 150;

    /// <summary>The first day of the heating year, <c>MM-DD</c>; 07-01 by default.</summary>
    public string YearStart { get; set; } = "07-01";

    /// <summary>Where a heat meter's counter wraps to 0, kWh (e.g. 100000000 for an 8-digit display); none by default.</summary>
    public double? CounterWrapsAtKwh { get; set; }

    /// <summary>A drop of a counter no larger than this is noise, kWh; 0.001 by default.</summary>
    public double JitterToleranceKwh { get; set; } = 0.001;

    /// <summary>The site's outdoor temperature series, for the degree-days; by default the simulated sensor's.</summary>
    public HeatingOutdoorOptions Outdoor { get; init; } = new();

    /// <summary>
    /// Whether the gateway computes the report itself every <see cref="PublishInterval"/>, from its InfluxDB target, and
    /// writes the results as series (<c>heating</c> per home, <c>heating_daily</c> per home and day) for Grafana; false by default.
    /// </summary>
    public bool PublishSeries { get; set; }

    /// <summary>How often the published series are computed; 1 day by default (and at start).</summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The forwarder target the readings are read back from; the first by default.</summary>
    public string? Target { get; set; }

    /// <summary>Meters swapped in a home: when, the old meter's last value and the new meter's first, in kWh.</summary>
    public List<HeatingMeterReplacementOptions> MeterReplacements { get; init; } = [];
    /// <summary>The parameters of a report; the <c>override</c>s (from the command line) win over the section.</summary>
    /// <exception cref="ArgumentException">The tariff or the normal degree-days are missing, or a value is invalid.</exception>
    public HeatingParameters ToParameters(double? tariffEurPerKwh = null, double? fixedEurPerYear = null, double? djuNormal = null, double? targetEur = null, string? yearStart = null)
    {
        var tariff = tariffEurPerKwh ?? TariffEurPerKwh ?? throw new ArgumentException("the tariff is missing: heating:tariffEurPerKwh in the site file, or --tariff-eur-per-kwh");
        var normal = djuNormal ?? DjuNormal ?? throw new ArgumentException("the normal degree-days are missing: heating:djuNormal in the site file, or --dju-normal");
        var start = yearStart ?? YearStart;
        if (!TryParseYearStart(start, out var monthDay))
        {
            throw new ArgumentException($"year start '{start}' is not a month and day MM-DD");
        }

        if (!TryFindZone(TimeZone, out var zone))
        {
            throw new ArgumentException($"time zone '{TimeZone}' is not known");
        }

        return new HeatingParameters
        {
            TimeZone = zone,
            TariffEurPerKwh = tariff,
            FixedEurPerYear = fixedEurPerYear ?? FixedEurPerYear,
            DjuNormal = normal,
            TargetEur = targetEur ?? TargetEur,
            YearStart = monthDay,
        };
    }

    /// <summary>How the counter of <paramref name="home"/> is read: wrap, jitter and its declared replacements (kWh).</summary>
    public CounterRules RulesFor(string home) => new()
    {
        WrapsAt = CounterWrapsAtKwh,
        JitterTolerance = JitterToleranceKwh,
        Replacements = [.. MeterReplacements
            .Where(r => r.Home == home && r.At is not null)
            .OrderBy(r => r.At)
            .Select(r => new MeterReplacement(r.At!.Value, r.OldFinalKwh, r.NewInitialKwh))],
    };

    /// <summary>
    /// How the rollups read a home's heat-meter counter: for a <c>heat_meter</c> <c>energy</c> series with a <c>home</c>
    /// tag, in Wh, kWh or MWh, <see cref="RulesFor"/> in the series' unit; null for any other series.
    /// </summary>
    public CounterRules? CounterRulesFor(SeriesKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Measurement != HeatMeterMeasurement || key.Field != HeatMeterField || key.GetTag("home") is not { } home)
        {
            return null;
        }

        double perKwh;
        switch (key.Unit)
        {
            case "Wh":
                perKwh = 1000;
                break;
            case "kWh":
                perKwh = 1;
                break;
            case "MWh":
                perKwh = 0.001;
                break;
            default:
                return null;
        }

        var rules = RulesFor(home);
        return new CounterRules
        {
            WrapsAt = rules.WrapsAt * perKwh,
            JitterTolerance = rules.JitterTolerance * perKwh,
            ResetFraction = rules.ResetFraction,
            Replacements = [.. rules.Replacements.Select(r => r with { OldFinalValue = r.OldFinalValue * perKwh, NewInitialValue = r.NewInitialValue * perKwh })],
        };
    }

    /// <summary>Reads <c>MM-DD</c> (a 29 February start is refused: not every year has one).</summary>
    public static bool TryParseYearStart(string text, out (int Month, int Day) monthDay)
    {
        monthDay = default;
        if (text is not { Length: 5 } || text[2] != '-'
            || !int.TryParse(text.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(2025, month))
        {
            return false;
        }

        monthDay = (month, day);
        return true;
    }

    internal static bool TryFindZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }
}

/// <summary>Which series holds the site's outdoor temperature in °C (site file: <c>heating:outdoor</c>).</summary>
public sealed class HeatingOutdoorOptions
{
    /// <summary>The measurement; <c>weather</c> by default.</summary>
    public string Measurement { get; set; } = "weather";

    /// <summary>The field; <c>temperature</c> by default.</summary>
    public string Field { get; set; } = "temperature";

    /// <summary>Tags that single out the outdoor sensor among the measurement's series (e.g. <c>sensor: outdoor</c>); none by default.</summary>
    public Dictionary<string, string> Tags { get; init; } = [];
}

/// <summary>A meter swapped in a home (site file: <c>heating:meterReplacements[]</c>).</summary>
public sealed class HeatingMeterReplacementOptions
{
    /// <summary>The home.</summary>
    public string Home { get; set; } = string.Empty;

    /// <summary>When the new meter was installed, with its offset.</summary>
    public DateTimeOffset? At { get; set; }

    /// <summary>The old meter's reading when it was removed, kWh.</summary>
    public double OldFinalKwh { get; set; }

    /// <summary>The new meter's reading when it was installed, kWh.</summary>
    public double NewInitialKwh { get; set; }
}
