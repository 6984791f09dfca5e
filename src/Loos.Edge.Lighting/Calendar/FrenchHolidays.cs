namespace Loos.Edge.Lighting.Calendar;

/// <summary>
/// The eleven public holidays of France (Code du travail, article L3133-1), Easter-based ones computed, and their eves.
/// Alsace-Moselle's two extra days (Good Friday, 26 December) are not among them.
/// </summary>
public static class FrenchHolidays
{
    /// <summary>Easter Sunday of <paramref name="year"/> (Gregorian), by the anonymous algorithm (Meeus, <i>Astronomical Algorithms</i>, ch. 8).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is before 1583, when the Gregorian calendar began.</exception>
    public static DateOnly EasterSunday(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1583);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>The holidays of <paramref name="year"/> in date order, each with its French name.</summary>
    public static IReadOnlyList<(DateOnly Date, string Name)> Of(int year)
    {
        var easter = EasterSunday(year);
        return
        [
            (new DateOnly(year, 1, 1), "Jour de l'an"),
            (easter.AddDays(1), "Lundi de Pâques"),
            (new DateOnly(year, 5, 1), "Fête du Travail"),
            (new DateOnly(year, 5, 8), "Victoire 1945"),
            (easter.AddDays(39), "Ascension"),
            (easter.AddDays(50), "Lundi de Pentecôte"),
            (new DateOnly(year, 7, 14), "Fête nationale"),
            (new DateOnly(year, 8, 15), "Assomption"),
            (new DateOnly(year, 11, 1), "Toussaint"),
            (new DateOnly(year, 11, 11), "Armistice 1918"),
            (new DateOnly(year, 12, 25), "Noël"),
        ];
    }

    /// <summary>The holiday's name, or null when <paramref name="date"/> is not a public holiday.</summary>
    public static string? NameOf(DateOnly date)
    {
        var fixedName = (date.Month, date.Day) switch
        {
            (1, 1) => "Jour de l'an",
            (5, 1) => "Fête du Travail",
            (5, 8) => "Victoire 1945",
            (7, 14) => "Fête nationale",
            (8, 15) => "Assomption",
            (11, 1) => "Toussaint",
            (11, 11) => "Armistice 1918",
            (12, 25) => "Noël",
            _ => null,
        };
        if (fixedName is not null || date.Month is < 3 or > 6)
        {
            return fixedName;
        }

        // Easter falls from 22 March to 25 April, so its Monday, Ascension and Whit Monday fall from March to June.
        return (date.DayNumber - EasterSunday(date.Year).DayNumber) switch
        {
            1 => "Lundi de Pâques",
            39 => "Ascension",
            50 => "Lundi de Pentecôte",
            _ => null,
        };
    }

    /// <summary>Whether <paramref name="date"/> is a public holiday.</summary>
    public static bool IsHoliday(DateOnly date) => NameOf(date) is not null;

    /// <summary>Whether <paramref name="date"/> is the eve of a public holiday (the day before it), whatever it is itself.</summary>
    public static bool IsHolidayEve(DateOnly date) => date < DateOnly.MaxValue && IsHoliday(date.AddDays(1));
}
