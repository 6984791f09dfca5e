using BenchmarkDotNet.Attributes;
using Loos.Edge.Lighting;
using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Schedule;
using Loos.Edge.Modules;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// A year of nights for a town's 1,000 circuits under the example site's programmes and calendar (sun steps, clock
/// steps, holidays and their eves, weekends): the plan the crew prints and the nightly energy series come from.
/// </summary>
[MemoryDiagnoser]
public class LightingPlanBenchmarks
{
    private const int Circuits = 1000;
    private const int Nights = 365;

    private LightingPlanner planner = null!;
    private IReadOnlyList<LightingOverride> overrides = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new LightingOptions();
        for (var i = 0; i < Circuits; i++)
        {
            options.Circuits.Add(new CircuitOptions { Name = $"circuit-{i:0000}", Controller = "armoire", Luminaires = { "l01" }, RatedPowerW = 100 + i, Curve = DimmingCurve.Dali });
        }

        options.Programmes.Add(Programme("semaine", ("sunset", 0, 100), ("22:00", 0, 50), ("23:00", 0, 0), ("05:00", 0, 50), ("sunrise", -10, 0)));
        options.Programmes.Add(Programme("fin-de-semaine", ("sunset", 0, 100), ("23:00", 0, 50), ("01:00", 0, 0), ("05:00", 0, 50), ("sunrise", -10, 0)));
        options.Programmes.Add(Programme("nuit-entiere", ("sunset", 0, 100), ("sunrise", 0, 0)));
        options.Calendar.Add(new CalendarRuleOptions { Name = "fete-nationale", Dates = { "07-14" }, Programme = "nuit-entiere" });
        options.Calendar.Add(new CalendarRuleOptions { Name = "veilles", HolidayEves = true, Programme = "nuit-entiere" });
        options.Calendar.Add(new CalendarRuleOptions { Name = "fetes", Dates = { "12-18..01-03" }, Programme = "fin-de-semaine" });
        options.Calendar.Add(new CalendarRuleOptions { Name = "vendredi-samedi", Weekdays = { DayOfWeek.Friday, DayOfWeek.Saturday }, Programme = "fin-de-semaine" });
        options.Calendar.Add(new CalendarRuleOptions { Name = "semaine", Programme = "semaine" });
        planner = new LightingPlanner(options, new SiteLocation(50.457, 2.793), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        // A few overrides, as a town has in a year: works on ten circuits, the fireworks on all.
        var created = new DateTimeOffset(2026, 1, 2, 9, 0, 0, TimeSpan.Zero);
        overrides =
        [
            new LightingOverride("f", [], 0, new DateTimeOffset(2026, 7, 14, 20, 45, 0, TimeSpan.Zero), new DateTimeOffset(2026, 7, 14, 21, 30, 0, TimeSpan.Zero), "feu d'artifice", created),
            new LightingOverride("w", [.. Enumerable.Range(0, 10).Select(i => $"circuit-{i:0000}")], 100, new DateTimeOffset(2026, 3, 2, 21, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 6, 5, 0, 0, TimeSpan.Zero), "travaux", created),
        ];
    }

    [Benchmark]
    public double PlanYear()
    {
        var total = 0.0;
        foreach (var night in planner.Plan(new DateOnly(2026, 1, 1), Nights, overrides))
        {
            total += night.PlannedKwh;
        }

        return total;
    }

    private static ProgrammeOptions Programme(string name, params (string At, int OffsetMinutes, int Level)[] steps)
    {
        var programme = new ProgrammeOptions { Name = name };
        programme.Steps.AddRange(steps.Select(s => new StepOptions { At = s.At, OffsetMinutes = s.OffsetMinutes, Level = s.Level }));
        return programme;
    }
}
