namespace Loos.Edge.Web.Tenant;

/// <summary>
/// Numbers, dates and durations as a French reader writes them: decimal comma, a narrow no-break space between
/// thousands, "84 €", "3 janvier". Written out here because the gateway runs with invariant globalization.
/// </summary>
internal static class FrenchFormat
{
    private const char ThousandsSeparator = '\u202F';
    private const char NoBreakSpace = '\u00A0';

    private static readonly string[] Months =
        ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

    /// <summary><paramref name="value"/> with <paramref name="decimals"/> decimals: "1 234,5".</summary>
    public static string Number(double value, int decimals = 0)
    {
        var text = Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("N" + decimals, CultureInfo.InvariantCulture);
        return text.Replace(',', ThousandsSeparator).Replace('.', ',');
    }

    /// <summary>Whole euros, the sign after the number: "84 €".</summary>
    public static string Euros(double value) => Number(value) + NoBreakSpace + "€";

    /// <summary>"1 234 kWh".</summary>
    public static string Kwh(double value, int decimals = 0) => Number(value, decimals) + NoBreakSpace + "kWh";

    /// <summary>"3 janvier", "1er mars".</summary>
    public static string Day(DateOnly day) => (day.Day == 1 ? "1er" : day.Day.ToString(CultureInfo.InvariantCulture)) + " " + Months[day.Month - 1];

    /// <summary>"3 janvier 2027".</summary>
    public static string DayWithYear(DateOnly day) => Day(day) + " " + day.Year.ToString(CultureInfo.InvariantCulture);

    /// <summary>"janvier 2027".</summary>
    public static string Month(int year, int month) => Months[month - 1] + " " + year.ToString(CultureInfo.InvariantCulture);

    /// <summary>"à 14 h 05".</summary>
    public static string Time(TimeOnly time) => time.Minute == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{time.Hour}{NoBreakSpace}h")
        : string.Create(CultureInfo.InvariantCulture, $"{time.Hour}{NoBreakSpace}h{NoBreakSpace}{time.Minute:00}");

    /// <summary>How long ago, as one says it: "il y a 25 min", "il y a 2 h", "il y a 3 jours".</summary>
    public static string Ago(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.FromMinutes(1))
        {
            return "à l'instant";
        }

        if (elapsed < TimeSpan.FromHours(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"il y a {(int)elapsed.TotalMinutes}{NoBreakSpace}min");
        }

        if (elapsed < TimeSpan.FromHours(48))
        {
            return string.Create(CultureInfo.InvariantCulture, $"il y a {(int)elapsed.TotalHours}{NoBreakSpace}h");
        }

        return string.Create(CultureInfo.InvariantCulture, $"il y a {(int)elapsed.TotalDays} jours");
    }
}
