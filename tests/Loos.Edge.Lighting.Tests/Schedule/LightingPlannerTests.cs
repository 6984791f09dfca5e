using System.Globalization;
using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Schedule;
using Loos.Edge.Lighting.Sun;
using Loos.Edge.Modules;

namespace Loos.Edge.Lighting.Tests.Schedule;

/// <summary>
/// Plans checked against times read off the programme and the clock by hand: Europe/Paris is UTC+1 in winter and
/// UTC+2 in summer, and in 2026 the clocks go forward on Sunday 29 March at 02:00 and back on Sunday 25 October at 03:00.
/// </summary>
public sealed class LightingPlannerTests
{
    private static readonly SiteLocation Loos = new(50.457, 2.793);
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    /// <summary>Full light at 19:00, half at 23:00, off from 01:00, 30 % at 02:30, half at 04:00, off at 07:00.</summary>
    private static readonly (string At, int Level)[] Extinction = [("19:00", 100), ("23:00", 50), ("01:00", 0), ("02:30", 30), ("04:00", 50), ("07:00", 0)];

    [Fact]
    public void Plan_SpringClockChangeNight_23HoursAnd0230TakenAs0300()
    {
        var planner = Planner(Programme("extinction", Extinction), Rule("extinction"));

        var night = Assert.Single(planner.Plan(new DateOnly(2026, 3, 28), 1, []));

        // 19:00 and 23:00 and 01:00 are CET (UTC+1); 02:30 does not exist and is 03:00 CEST = 01:00Z; then UTC+2.
        Assert.Equal(Utc("2026-03-28T11:00"), night.Start);
        Assert.Equal(TimeSpan.FromHours(23), night.End - night.Start);
        Assert.Equal(
            [(Utc("2026-03-28T18:00"), 100), (Utc("2026-03-28T22:00"), 50), (Utc("2026-03-29T00:00"), 0), (Utc("2026-03-29T01:00"), 30), (Utc("2026-03-29T02:00"), 50), (Utc("2026-03-29T05:00"), 0)],
            night.Steps.Select(s => (s.Start, s.Level)));
        // 100 %: 18–22Z; 50 %: 22–00Z and 02–05Z; 30 %: 01–02Z; off 00–01Z: one hour instead of the clock's 01:00–03:00.
        Assert.Equal([new LevelTime(100, H(4)), new LevelTime(50, H(5)), new LevelTime(30, H(1))], night.AtLevels);
        Assert.Equal(H(10), night.Lit);
        Assert.Equal((4 * 1.0) + (5 * 0.5) + (1 * 0.3), night.PlannedKwh, 9);
    }

    [Fact]
    public void Plan_AutumnClockChangeNight_25HoursAnd0230TakenAtItsFirstOccurrence()
    {
        var planner = Planner(Programme("extinction", Extinction), Rule("extinction"));

        var night = Assert.Single(planner.Plan(new DateOnly(2026, 10, 24), 1, []));

        // Until 03:00 CEST (01:00Z) it is UTC+2, so 01:00 is 23:00Z and the first 02:30 is 00:30Z; 04:00 and 07:00 are CET.
        Assert.Equal(TimeSpan.FromHours(25), night.End - night.Start);
        Assert.Equal(
            [(Utc("2026-10-24T17:00"), 100), (Utc("2026-10-24T21:00"), 50), (Utc("2026-10-24T23:00"), 0), (Utc("2026-10-25T00:30"), 30), (Utc("2026-10-25T03:00"), 50), (Utc("2026-10-25T06:00"), 0)],
            night.Steps.Select(s => (s.Start, s.Level)));
        Assert.Equal([new LevelTime(100, H(4)), new LevelTime(50, H(5)), new LevelTime(30, H(2.5))], night.AtLevels);
        Assert.Equal(H(11.5), night.Lit);
        Assert.Equal(4 + (5 * 0.5) + (2.5 * 0.3), night.PlannedKwh, 9);
    }

    [Fact]
    public void Plan_FourteenthOfJulyWithFireworksOverride_DarkDuringTheShowAndTheNewestOverrideWins()
    {
        var options = Options(Programme("fete", ("22:00", 100), ("06:00", 0)), Rule("fete", dates: ["07-14"]), Programme("semaine", ("22:30", 50), ("06:00", 0)), Rule("semaine"));
        options.Circuits.Add(Circuit("place", 2000));
        var planner = new LightingPlanner(options, Loos, Paris);
        // Summer time: 22:45–23:30 local is 20:45–21:30Z.
        var fireworks = new LightingOverride("f1", [], 0, Utc("2026-07-14T20:45"), Utc("2026-07-14T21:30"), "feu d'artifice", Utc("2026-07-01T09:00"));
        var stage = new LightingOverride("s1", ["rue"], 30, Utc("2026-07-14T21:00"), Utc("2026-07-14T21:15"), "scène", Utc("2026-07-10T09:00"));

        var plan = planner.Plan(new DateOnly(2026, 7, 14), 2, [fireworks, stage]);

        var rue = plan.Single(n => n.Night == new DateOnly(2026, 7, 14) && n.Circuit == "rue");
        Assert.Equal("fete", rue.Programme);
        Assert.Equal(
            [(Utc("2026-07-14T20:00"), 100), (Utc("2026-07-14T20:45"), 0), (Utc("2026-07-14T21:00"), 30), (Utc("2026-07-14T21:15"), 0), (Utc("2026-07-14T21:30"), 100), (Utc("2026-07-15T04:00"), 0)],
            rue.Steps.Select(s => (s.Start, s.Level)));
        Assert.Equal("override f1 (feu d'artifice)", rue.Steps[1].Source);
        Assert.Equal("override s1 (scène)", rue.Steps[2].Source);
        Assert.Equal("fete #1", rue.Steps[4].Source);
        Assert.Equal([new LevelTime(100, H(7.25)), new LevelTime(30, H(0.25))], rue.AtLevels);
        Assert.Equal(7.25 + (0.25 * 0.3), rue.PlannedKwh, 9);

        var place = plan.Single(n => n.Night == new DateOnly(2026, 7, 14) && n.Circuit == "place");
        Assert.Equal([(Utc("2026-07-14T20:00"), 100), (Utc("2026-07-14T20:45"), 0), (Utc("2026-07-14T21:30"), 100), (Utc("2026-07-15T04:00"), 0)], place.Steps.Select(s => (s.Start, s.Level)));
        Assert.Equal(2 * 7.25, place.PlannedKwh, 9);

        var fifteenth = plan.Single(n => n.Night == new DateOnly(2026, 7, 15) && n.Circuit == "rue");
        Assert.Equal(("semaine", Utc("2026-07-15T20:30")), (fifteenth.Programme, fifteenth.Steps[0].Start));

        var during = planner.LevelAt(0, Utc("2026-07-14T20:50"), [fireworks, stage]);
        Assert.Equal(new CircuitLevel(0, "override f1 (feu d'artifice)", Utc("2026-07-14T20:45"), Utc("2026-07-14T21:00")), during);
    }

    [Fact]
    public void Plan_FridayAndThursday_FridayRunsTheWeekendProfile()
    {
        var planner = Planner(
            Programme("fin-de-semaine", ("19:00", 100), ("23:00", 50), ("01:00", 0), ("05:00", 50), ("07:00", 0)),
            Rule("fin-de-semaine", weekdays: [DayOfWeek.Friday, DayOfWeek.Saturday], name: "vendredi-samedi"),
            Programme("semaine", ("19:00", 100), ("22:00", 50), ("23:00", 0), ("05:00", 50), ("07:00", 0)),
            Rule("semaine"));

        // Thursday 12 and Friday 13 November 2026, in winter time (UTC+1).
        var plan = planner.Plan(new DateOnly(2026, 11, 12), 2, []);

        Assert.Equal(("semaine", "semaine"), (plan[0].Programme, plan[0].Rule));
        Assert.Equal([(Utc("2026-11-12T18:00"), 100), (Utc("2026-11-12T21:00"), 50), (Utc("2026-11-12T22:00"), 0), (Utc("2026-11-13T04:00"), 50), (Utc("2026-11-13T06:00"), 0)], plan[0].Steps.Select(s => (s.Start, s.Level)));
        Assert.Equal([new LevelTime(100, H(3)), new LevelTime(50, H(3))], plan[0].AtLevels);
        Assert.Equal(("fin-de-semaine", "vendredi-samedi"), (plan[1].Programme, plan[1].Rule));
        Assert.Equal([(Utc("2026-11-13T18:00"), 100), (Utc("2026-11-13T22:00"), 50), (Utc("2026-11-14T00:00"), 0), (Utc("2026-11-14T04:00"), 50), (Utc("2026-11-14T06:00"), 0)], plan[1].Steps.Select(s => (s.Start, s.Level)));
        Assert.Equal([new LevelTime(100, H(4)), new LevelTime(50, H(4))], plan[1].AtLevels);
        Assert.Equal(H(8), plan[1].Lit);
    }

    [Fact]
    public void Plan_EveOfAscension_FullNightFromThatEveningsSunsetToTheNextSunrise()
    {
        var planner = Planner(
            Programme("nuit-entiere", ("sunset", 100), ("sunrise", 0)),
            Rule("nuit-entiere", holidayEves: true),
            Programme("semaine", ("sunset", 100), ("23:00", 0)),
            Rule("semaine"));

        // Ascension 2026 is Thursday 14 May (Easter 5 April + 39 days): Wednesday 13 May is its eve, Tuesday 12 is not.
        var plan = planner.Plan(new DateOnly(2026, 5, 12), 2, []);

        Assert.Equal("semaine", plan[0].Programme);
        var eve = plan[1];
        Assert.Equal("nuit-entiere", eve.Programme);
        var sunset = SolarCalculator.ForDate(new DateOnly(2026, 5, 13), Loos.Latitude, Loos.Longitude)[SunEvent.Sunset]!.Value;
        var sunrise = SolarCalculator.ForDate(new DateOnly(2026, 5, 14), Loos.Latitude, Loos.Longitude)[SunEvent.Sunrise]!.Value;
        Assert.Equal([(sunset, 100), (sunrise, 0)], eve.Steps.Select(s => (s.Start, s.Level)));
        Assert.Equal(sunrise - sunset, eve.Lit);
        // Full light from sunset to sunrise is the reference itself: nothing saved.
        Assert.Equal(0, eve.SavedKwh!.Value, 9);
        Assert.Equal((sunrise - sunset).TotalHours, eve.FullLightKwh!.Value, 9);
    }

    [Fact]
    public void Plan_JuneNightWithDuskAfter2200_TheDimmingStepStartsWithTheSwitchOn()
    {
        var options = Options(Programme("semaine", ("civilDusk", 100), ("22:00", 50), ("23:00", 0)), Rule("semaine"));
        options.Circuits.Add(Circuit("place", 1000));
        var planner = new LightingPlanner(options, Loos, Paris);

        var plan = planner.Plan(new DateOnly(2026, 6, 21), 1, [], "place");

        // Civil dusk at Loos on 21 June is after 22:00 CEST (20:00Z): the lights come on at dusk, dimmed already.
        var dusk = SolarCalculator.ForDate(new DateOnly(2026, 6, 21), Loos.Latitude, Loos.Longitude)[SunEvent.CivilDusk]!.Value;
        Assert.True(dusk > Utc("2026-06-21T20:00"), $"civil dusk {dusk:u}");
        var night = Assert.Single(plan);
        Assert.Equal([(dusk, 50, "semaine #2"), (Utc("2026-06-21T21:00"), 0, "semaine #3")], night.Steps.Select(s => (s.Start, s.Level, s.Source)));
        Assert.Equal([new LevelTime(50, Utc("2026-06-21T21:00") - dusk)], night.AtLevels);

        // In December the same programme switches on at full light and dims at 22:00 (21:00Z).
        var december = Assert.Single(planner.Plan(new DateOnly(2026, 12, 21), 1, [], "place"));
        Assert.Equal([100, 50, 0], december.Steps.Select(s => s.Level));
        Assert.Equal(Utc("2026-12-21T21:00"), december.Steps[1].Start);
    }

    [Fact]
    public void Plan_LitSpanShorterThanTheMinimumBurnTime_IsNotSwitchedOn()
    {
        var planner = Planner(Programme("matin", ("19:00", 100), ("23:00", 0), ("06:55", 50), ("07:00", 0)), Rule("matin"));

        var night = Assert.Single(planner.Plan(new DateOnly(2026, 11, 12), 1, []));

        // 06:55–07:00 is 5 minutes, under the default 10: only the evening span remains.
        Assert.Equal([(Utc("2026-11-12T18:00"), 100), (Utc("2026-11-12T22:00"), 0)], night.Steps.Select(s => (s.Start, s.Level)));
    }

    [Fact]
    public void LevelAt_AfterTheMorningStep_NextChangeIsTheNextEveningsSwitchOn()
    {
        var planner = Planner(Programme("extinction", Extinction), Rule("extinction"));

        var night = planner.LevelAt(0, Utc("2026-03-28T23:30"), []);
        var morning = planner.LevelAt(0, Utc("2026-03-29T09:00"), []);

        Assert.Equal(new CircuitLevel(50, "extinction #2", Utc("2026-03-28T22:00"), Utc("2026-03-29T00:00")), night);
        // Sunday 29 March is in summer time: 19:00 CEST is 17:00Z.
        Assert.Equal(new CircuitLevel(0, "extinction #6", Utc("2026-03-29T05:00"), Utc("2026-03-29T17:00")), morning);
    }

    [Fact]
    public void Plan_NoLocation_ClockStepsPlannedAndNoFullLightReference()
    {
        var options = Options(Programme("p", ("sunset", 100), ("20:00", 100), ("23:00", 0)), Rule("p"));
        var planner = new LightingPlanner(options, location: null, Paris);

        var night = Assert.Single(planner.Plan(new DateOnly(2026, 11, 12), 1, []));

        Assert.Equal([(Utc("2026-11-12T19:00"), 100), (Utc("2026-11-12T22:00"), 0)], night.Steps.Select(s => (s.Start, s.Level)));
        Assert.Null(night.SavedKwh);
    }

    internal static LightingPlanner Planner(params object[] programmesAndRules)
    {
        var options = Options(programmesAndRules);
        return new LightingPlanner(options, Loos, Paris);
    }

    /// <summary>Options with one 1 kW circuit <c>rue</c> and the programmes and rules given, in order.</summary>
    internal static LightingOptions Options(params object[] programmesAndRules)
    {
        var options = new LightingOptions { MinimumBurnTime = TimeSpan.FromMinutes(10) };
        options.Circuits.Add(Circuit("rue", 1000));
        foreach (var item in programmesAndRules)
        {
            if (item is ProgrammeOptions programme)
            {
                options.Programmes.Add(programme);
            }
            else
            {
                options.Calendar.Add((CalendarRuleOptions)item);
            }
        }

        return options;
    }

    internal static CircuitOptions Circuit(string name, double ratedPowerW) => new() { Name = name, Controller = "armoire-12", Luminaires = { "l01" }, RatedPowerW = ratedPowerW };

    internal static ProgrammeOptions Programme(string name, params (string At, int Level)[] steps)
    {
        var programme = new ProgrammeOptions { Name = name };
        programme.Steps.AddRange(steps.Select(s => new StepOptions { At = s.At, Level = s.Level }));
        return programme;
    }

    internal static CalendarRuleOptions Rule(string programme, string[]? dates = null, DayOfWeek[]? weekdays = null, bool holidayEves = false, bool holidays = false, string? name = null)
    {
        var rule = new CalendarRuleOptions { Programme = programme, Name = name ?? programme, HolidayEves = holidayEves, Holidays = holidays };
        rule.Dates.AddRange(dates ?? []);
        rule.Weekdays.AddRange(weekdays ?? []);
        return rule;
    }

    internal static DateTimeOffset Utc(string text) => DateTimeOffset.ParseExact(text + "Z", "yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static TimeSpan H(double hours) => TimeSpan.FromHours(hours);
}
