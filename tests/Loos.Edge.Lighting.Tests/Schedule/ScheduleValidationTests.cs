using System.Globalization;
using Loos.Edge.Core;
using Loos.Edge.Lighting.Schedule;
using Loos.Edge.Lighting.Sun;
using Loos.Edge.Modules;
using static Loos.Edge.Lighting.Tests.Schedule.LightingPlannerTests;

namespace Loos.Edge.Lighting.Tests.Schedule;

public sealed class ScheduleValidationTests
{
    private static readonly SiteLocation Loos = new(50.457, 2.793);
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Fact]
    public void Check_RuleAfterOneWithoutCondition_HiddenNamingBothRules()
    {
        var options = Options(
            Programme("semaine", ("19:00", 100), ("23:00", 0)),
            Rule("semaine", name: "tous-les-soirs"),
            Rule("semaine", weekdays: [DayOfWeek.Saturday], name: "samedi"));

        var problems = LightingOptionsValidator.Check(options, 2026);

        var problem = Assert.Single(problems.Entries);
        Assert.Equal("lighting:calendar:1", problem.Key);
        Assert.Contains("'samedi'", problem.Text, StringComparison.Ordinal);
        Assert.Contains("'tous-les-soirs' (lighting:calendar:0)", problem.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_HolidayRuleOn13July_NeverMatchesOnItsOwn()
    {
        var options = Options(
            Programme("p", ("19:00", 100), ("23:00", 0)),
            Rule("p", dates: ["07-13"], holidays: true, name: "treize-juillet"),
            Rule("p", name: "reste"));

        var problems = LightingOptionsValidator.Check(options, 2026);

        var problem = Assert.Single(problems.Entries);
        Assert.Equal("lighting:calendar:0", problem.Key);
        Assert.Contains("'treize-juillet') can never match: no night is", problem.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoRuleForSundays_NamesTheWeekdayAndItsFirstDate()
    {
        DayOfWeek[] weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday];
        var options = Options(Programme("p", ("19:00", 100), ("23:00", 0)), Rule("p", weekdays: weekdays));

        var problems = LightingOptionsValidator.Check(options, 2026);

        // 1 January 2026 is a Thursday: the first Sunday is the 4th.
        var problem = Assert.Single(problems.Entries);
        Assert.Equal("lighting:calendar", problem.Key);
        Assert.Contains("Sunday nights (the first 2026-01-04", problem.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RecurringRangeAcrossTheNewYear_MatchesBothEnds()
    {
        var options = Options(
            Programme("fetes", ("17:00", 100), ("01:00", 0)),
            Programme("p", ("19:00", 100), ("23:00", 0)),
            Rule("fetes", dates: ["12-20..01-05"]),
            Rule("p"));
        var planner = new LightingPlanner(options, Loos, Paris);

        var plan = planner.Plan(new DateOnly(2026, 12, 19), 19, []);

        Assert.Empty(LightingOptionsValidator.Check(options, 2026));
        Assert.Equal(
            Enumerable.Range(0, 19).Select(d => new DateOnly(2026, 12, 19).AddDays(d)).Select(d => d >= new DateOnly(2026, 12, 20) && d <= new DateOnly(2027, 1, 5) ? "fetes" : "p"),
            plan.Select(n => n.Programme));
    }

    [Fact]
    public void Check_FixedOnBeforeOffAtSunrise_RefusedNamingTheStepAndTheFirstNight()
    {
        var options = Options(Programme("semaine", ("sunset", 100), ("23:00", 0), ("06:00", 100), ("sunrise", 0)), Rule("semaine"));
        var problems = new ConfigurationProblems();

        ProgrammeCheck.Check(options, Loos, Paris, 2026, problems);

        var problem = Assert.Single(problems.Entries);
        Assert.Equal("lighting:programmes:0:steps:2:at", problem.Key);
        var night = DateOnly.ParseExact(problem.Text.Split("first on the night of ")[1][..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        // The first morning of 2026 with a sunrise before 06:00 local time, the night before it that does not.
        Assert.True(SunriseLocal(night.AddDays(1)) < new TimeOnly(6, 0), problem.Text);
        Assert.True(SunriseLocal(night) >= new TimeOnly(6, 0), problem.Text);
        Assert.InRange(night, new DateOnly(2026, 4, 1), new DateOnly(2026, 6, 1));
    }

    [Fact]
    public void Check_LateDuskBefore2200DimmingInJune_Accepted()
    {
        var options = Options(Programme("semaine", ("civilDusk", 100), ("22:00", 50), ("23:00", 0), ("05:00", 50), ("sunrise", 0)), Rule("semaine"));
        var problems = new ConfigurationProblems();

        ProgrammeCheck.Check(options, Loos, Paris, 2026, problems);

        Assert.Empty(problems.Entries);
    }

    [Fact]
    public void Check_StepsInReverseAndSunStepWithoutLocation_EachRefusedWithItsKey()
    {
        var options = Options(Programme("p", ("23:00", 0), ("22:00", 50), ("sunrise", 0)), Rule("p"));
        var problems = new ConfigurationProblems();

        ProgrammeCheck.Check(options, location: null, Paris, 2026, problems);

        Assert.Equal(["lighting:programmes:0:steps:2:at", "lighting:programmes:0:steps:1:at"], problems.Entries.Select(p => p.Key));
        Assert.Contains("site:latitude", problems.Entries[0].Text, StringComparison.Ordinal);
        Assert.Contains("'22:00' comes before the step above it ('23:00') on every night", problems.Entries[1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1, 85, 1)]
    [InlineData(10, 170, 10)]
    [InlineData(50, 229, 51)]
    [InlineData(100, 254, 100)]
    public void CommandValue_Dali_ArcLevelOfIec62386Table(int level, int arcLevel, int levelReadBack)
    {
        // IEC 62386-102: X(n) = 10^((n − 1) / (253/3) − 1) %: arc 85 is 1.00 %, 170 is 10.09 %, 229 is 50.52 %, 254 is 100 %.
        Assert.Equal(arcLevel, DimmingCurves.CommandValue(DimmingCurve.Dali, level));
        Assert.Equal(levelReadBack, DimmingCurves.Level(DimmingCurve.Dali, arcLevel));
        Assert.Equal(arcLevel, DimmingCurves.CommandValue(DimmingCurve.Dali, levelReadBack));
        Assert.Equal(level, DimmingCurves.CommandValue(DimmingCurve.Linear, level));
    }

    private static TimeOnly SunriseLocal(DateOnly date) =>
        TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(SolarCalculator.ForDate(date, Loos.Latitude, Loos.Longitude)[SunEvent.Sunrise]!.Value, Paris).DateTime);
}
