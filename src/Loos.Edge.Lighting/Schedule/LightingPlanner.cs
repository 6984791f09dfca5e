using Loos.Edge.Lighting.Calendar;
using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Sun;
using Loos.Edge.Modules;

namespace Loos.Edge.Lighting.Schedule;

/// <summary>
/// Each circuit's levels night by night: the calendar picks the night's programme, its steps are resolved against the
/// site's sun times and clock, short lit spans are left off (minimum burn time), and overrides are laid on top. Pure
/// computation: the options are read once, sun times are computed once per date for all circuits.
/// </summary>
public sealed class LightingPlanner
{
    private readonly LightingOptions options;
    private readonly SiteLocation? location;
    private readonly TimeZoneInfo zone;
    private readonly LightingCalendar calendar;
    private readonly ProgrammeStep[][] programmes;

    /// <summary>A planner of <paramref name="options"/> (valid, as the site-file loader leaves them) at a site.</summary>
    /// <param name="location">Where the site is; without it, sun steps are skipped and no full-light energy is known.</param>
    /// <param name="timeZone">The zone its clock times are read in (the site's, Europe/Paris by default).</param>
    public LightingPlanner(LightingOptions options, SiteLocation? location, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeZone);
        this.options = options;
        this.location = location;
        zone = timeZone;
        calendar = LightingCalendar.Read(options);
        programmes = ProgrammeStep.ReadAll(options, problems: null);
    }

    /// <summary>
    /// The plan of <paramref name="nights"/> nights from <paramref name="firstNight"/>, night by night, each night its
    /// circuits in the order of the site file (or only <paramref name="circuit"/>), with <paramref name="overrides"/> on top.
    /// </summary>
    /// <exception cref="ArgumentException">No circuit is named <paramref name="circuit"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nights"/> is negative.</exception>
    public IReadOnlyList<CircuitNight> Plan(DateOnly firstNight, int nights, IReadOnlyList<LightingOverride> overrides, string? circuit = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nights);
        ArgumentNullException.ThrowIfNull(overrides);
        var circuits = Enumerable.Range(0, options.Circuits.Count).Where(i => circuit is null || options.Circuits[i].Name == circuit).ToArray();
        if (circuit is not null && circuits.Length == 0)
        {
            throw new ArgumentException($"no circuit is named '{circuit}'", nameof(circuit));
        }

        var byCircuit = circuits.Select(i => overrides.Where(o => o.Covers(options.Circuits[i].Name)).ToList()).ToArray();
        var plan = new List<CircuitNight>(nights * circuits.Length);
        var morning = SunOn(firstNight);
        for (var night = firstNight; night < firstNight.AddDays(nights); night = night.AddDays(1))
        {
            // Each date's sun times serve as one night's morning and the next night's evening.
            var evening = morning;
            morning = SunOn(night.AddDays(1));
            var nightPlan = PlanNight(night, evening, morning);
            for (var c = 0; c < circuits.Length; c++)
            {
                plan.Add(ForCircuit(nightPlan, circuits[c], byCircuit[c]));
            }
        }

        return plan;
    }

    /// <summary>
    /// The level circuit number <paramref name="circuitIndex"/> (its place in the site file) is at, at
    /// <paramref name="instant"/>, with <paramref name="overrides"/> on top, and when it changes next: the dispatcher
    /// sleeps until then.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such circuit.</exception>
    public CircuitLevel LevelAt(int circuitIndex, DateTimeOffset instant, IReadOnlyList<LightingOverride> overrides)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(circuitIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(circuitIndex, options.Circuits.Count);
        ArgumentNullException.ThrowIfNull(overrides);
        var covering = overrides.Where(o => o.Covers(options.Circuits[circuitIndex].Name)).ToList();
        var night = LocalClock.NightOf(instant, zone);
        var tonight = StepsOf(night, covering, out var start, out var end);
        var current = new PlannedStep(start, 0, NightPlan.NoonSource);
        var next = -1;
        for (var i = 0; i < tonight.Length; i++)
        {
            if (tonight[i].Start > instant)
            {
                next = i;
                break;
            }

            current = tonight[i];
        }

        if (next >= 0)
        {
            return new CircuitLevel(current.Level, current.Source, current.Start, tonight[next].Start);
        }

        // The next night may begin at the level this one ends with (an override across noon): its first real change counts.
        var following = StepsOf(night.AddDays(1), covering, out _, out var followingEnd);
        var change = Array.Find(following, s => s.Level != current.Level);
        return new CircuitLevel(current.Level, current.Source, current.Start, change == default ? followingEnd : change.Start);
    }

    /// <summary>The night of <paramref name="night"/> as its programme makes it, for every circuit without overrides.</summary>
    internal NightPlan PlanNight(DateOnly night) => PlanNight(night, SunOn(night), SunOn(night.AddDays(1)));

    private NightPlan PlanNight(DateOnly night, SunTimes? evening, SunTimes? morning)
    {
        var ruleIndex = calendar.Match(night);
        var rule = ruleIndex < 0 ? null : calendar.Rules[ruleIndex];
        var programme = rule is { Programme: >= 0 } ? rule.Programme : -1;
        return NightPlan.Build(
            night,
            zone,
            evening,
            morning,
            rule?.Name,
            programme < 0 ? null : options.Programmes[programme].Name,
            programme < 0 ? [] : programmes[programme],
            options.MinimumBurnTime);
    }

    private PlannedStep[] StepsOf(DateOnly night, List<LightingOverride> covering, out DateTimeOffset start, out DateTimeOffset end)
    {
        var nightPlan = PlanNight(night);
        start = nightPlan.Start;
        end = nightPlan.End;
        return Touching(nightPlan, covering) is { Count: > 0 } touching ? nightPlan.WithOverrides(touching) : nightPlan.Steps;
    }

    private CircuitNight ForCircuit(NightPlan night, int circuitIndex, List<LightingOverride> covering)
    {
        var circuit = options.Circuits[circuitIndex];
        var kilowatts = circuit.RatedPowerW / 1000;
        var fullLightKwh = night.FullNight is { } fullNight ? kilowatts * fullNight.TotalHours : (double?)null;
        if (Touching(night, covering) is not { Count: > 0 } touching)
        {
            return new CircuitNight(circuit.Name, night.Night, night.Start, night.End, night.Rule, night.Programme, night.Steps, night.Lit, night.AtLevels, kilowatts * night.FullLightHours, fullLightKwh);
        }

        var steps = night.WithOverrides(touching);
        NightPlan.Measure(steps, night.Start, night.End, out var lit, out var atLevels, out var fullLightHours);
        return new CircuitNight(circuit.Name, night.Night, night.Start, night.End, night.Rule, night.Programme, steps, lit, atLevels, kilowatts * fullLightHours, fullLightKwh);
    }

    /// <summary>The overrides in force at some time of the night (or at its end), or null when none is, which is the usual case.</summary>
    private static List<LightingOverride>? Touching(NightPlan night, List<LightingOverride> covering)
    {
        List<LightingOverride>? touching = null;
        foreach (var candidate in covering)
        {
            if (candidate.From <= night.End && candidate.Until > night.Start)
            {
                (touching ??= []).Add(candidate);
            }
        }

        return touching;
    }

    /// <summary>The sun times of the calendar date <paramref name="date"/> at the site; null without the site's location.</summary>
    public SunTimes? SunOn(DateOnly date) => location is null ? null : SolarCalculator.ForDate(date, location.Latitude, location.Longitude);
}
