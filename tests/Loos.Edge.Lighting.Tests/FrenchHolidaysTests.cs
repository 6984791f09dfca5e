using System.Diagnostics;
using System.Globalization;
using Loos.Edge.Lighting.Calendar;

namespace Loos.Edge.Lighting.Tests;

/// <summary>The holidays against a second computation: Debian's python3-holidays (its own Easter, from python3-dateutil).</summary>
public sealed class FrenchHolidaysTests
{
    private const string Python = "/usr/bin/python3";

    // Alsace-Moselle's extra days, which some versions of the library list for all of France.
    private static readonly string[] AlsaceMoselle = ["Vendredi saint", "Saint-Étienne", "Saint Étienne", "Lendemain de Noël"];

    [Fact]
    public async Task Of_2026To2030_SameDatesAsPythonHolidays()
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: apt-get install -y python3-holidays");
        const string Script = """
            import holidays, datetime
            from dateutil.easter import easter
            for year in range(2026, 2031):
                days = holidays.France(years=year)
                for day, name in sorted(days.items()):
                    print(day.isoformat(), name, sep="|")
                # Versions that drop Whit Monday (the "journée de solidarité") are completed from dateutil's Easter.
                if not any("Pentec" in name for name in days.values()):
                    print((easter(year) + datetime.timedelta(days=50)).isoformat(), "Lundi de Pentecôte", sep="|")
            """;
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Script);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"python3-holidays failed (apt-get install -y python3-holidays): {error}");

        var expected = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('|'))
            .Where(parts => !AlsaceMoselle.Any(name => parts[1].Contains(name, StringComparison.OrdinalIgnoreCase)))
            .Select(parts => DateOnly.ParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Order()
            .ToList();
        var actual = Enumerable.Range(2026, 5).SelectMany(FrenchHolidays.Of).Select(h => h.Date).Order().ToList();

        Assert.Equal(55, expected.Count);
        Assert.Equal(expected, actual);
        Assert.All(expected, day => Assert.True(FrenchHolidays.IsHoliday(day), $"{day:yyyy-MM-dd}"));
        Assert.All(expected, day => Assert.True(FrenchHolidays.IsHolidayEve(day.AddDays(-1)), $"eve of {day:yyyy-MM-dd}"));
    }

    [Fact]
    public void IsHoliday_2027_EveryOtherDayIsNot()
    {
        var holidays = FrenchHolidays.Of(2027).Select(h => h.Date).ToHashSet();
        for (var day = new DateOnly(2027, 1, 1); day.Year == 2027; day = day.AddDays(1))
        {
            Assert.Equal(holidays.Contains(day), FrenchHolidays.IsHoliday(day));
        }

        // Easter 2027 is 28 March (the Monday after is a holiday, the Sunday itself is not: it is not in L3133-1).
        Assert.False(FrenchHolidays.IsHoliday(new DateOnly(2027, 3, 28)));
        Assert.Equal("Lundi de Pâques", FrenchHolidays.NameOf(new DateOnly(2027, 3, 29)));
    }
}
