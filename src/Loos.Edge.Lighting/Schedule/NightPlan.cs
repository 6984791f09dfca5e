using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Sun;

namespace Loos.Edge.Lighting.Schedule;

/// <summary>
/// A night's levels from its programme, the same for every circuit that no override touches: resolved once per night
/// and shared by the circuits.
/// </summary>
internal sealed class NightPlan
{
    /// <summary>The source of the switch-off at the night's end when a programme leaves its circuits lit.</summary>
    public const string NoonSource = "noon";

    private NightPlan(DateOnly night, DateTimeOffset start, DateTimeOffset end, string? rule, string? programme, PlannedStep[] steps, TimeSpan? fullNight)
    {
        Night = night;
        Start = start;
        End = end;
        Rule = rule;
        Programme = programme;
        Steps = steps;
        FullNight = fullNight;
        Measure(steps, start, end, out var lit, out var atLevels, out var fullLightHours);
        Lit = lit;
        AtLevels = atLevels;
        FullLightHours = fullLightHours;
    }

    public DateOnly Night { get; }

    public DateTimeOffset Start { get; }

    public DateTimeOffset End { get; }

    public string? Rule { get; }

    public string? Programme { get; }

    public PlannedStep[] Steps { get; }

    public TimeSpan Lit { get; }

    public LevelTime[] AtLevels { get; }

    /// <summary>Hours at full light that use the energy of the plan: Σ level/100 × hours.</summary>
    public double FullLightHours { get; }

    /// <summary>From sunset to the next sunrise; null when either is unknown.</summary>
    public TimeSpan? FullNight { get; }

    /// <summary>
    /// The night of <paramref name="night"/> under <paramref name="programme"/>. Steps are taken in the programme's
    /// order: a step whose time comes before the step above it (22:00 before a sunset at 22:10 in June) starts with it,
    /// and being later in the list, its level wins. Lit spans shorter than <paramref name="minimumBurn"/> are left off.
    /// </summary>
    public static NightPlan Build(DateOnly night, TimeZoneInfo zone, SunTimes? evening, SunTimes? morning, string? rule, string? programme, ProgrammeStep[] steps, TimeSpan minimumBurn)
    {
        var start = LocalClock.NightStart(night, zone);
        var end = LocalClock.NightStart(night.AddDays(1), zone);
        var changes = new List<PlannedStep>(steps.Length + 1);
        var previous = start;
        foreach (var step in steps)
        {
            if (step.Resolve(night, zone, evening, morning) is not { } instant)
            {
                continue;
            }

            previous = instant < previous ? previous : instant;
            if (previous < end)
            {
                Change(changes, new PlannedStep(previous, step.Level, step.Source));
            }
        }

        LeaveShortSpansOff(changes, end, minimumBurn);
        if (changes.Count > 0 && changes[^1].Level > 0)
        {
            changes.Add(new PlannedStep(end, 0, NoonSource));
        }

        TimeSpan? fullNight = evening?[SunEvent.Sunset] is { } sunset && morning?[SunEvent.Sunrise] is { } sunrise ? sunrise - sunset : null;
        return new NightPlan(night, start, end, rule, programme, [.. changes], fullNight);
    }

    /// <summary>The night's steps for one circuit with <paramref name="overrides"/> (those that cover it) on top: among those in force, the newest wins.</summary>
    public PlannedStep[] WithOverrides(List<LightingOverride> overrides)
    {
        var bounds = new List<DateTimeOffset>(Steps.Length + (2 * overrides.Count) + 1) { Start };
        bounds.AddRange(Steps.Select(s => s.Start).Where(s => s < End));
        foreach (var lightingOverride in overrides)
        {
            bounds.Add(lightingOverride.From < Start ? Start : lightingOverride.From);
            if (lightingOverride.Until < End)
            {
                bounds.Add(lightingOverride.Until);
            }
        }

        bounds.Sort();
        var changes = new List<PlannedStep>(bounds.Count + 1);
        var baseIndex = -1;
        foreach (var instant in bounds)
        {
            if (instant >= End)
            {
                break;
            }

            while (baseIndex + 1 < Steps.Length && Steps[baseIndex + 1].Start <= instant)
            {
                baseIndex++;
            }

            var step = baseIndex < 0 ? new PlannedStep(instant, 0, NoonSource) : Steps[baseIndex] with { Start = instant };
            if (Newest(overrides, instant) is { } winner)
            {
                step = new PlannedStep(instant, winner.Level, string.IsNullOrEmpty(winner.Reason) ? $"override {winner.Id}" : $"override {winner.Id} ({winner.Reason})");
            }

            Change(changes, step);
        }

        if (changes.Count > 0 && changes[^1].Level > 0 && Newest(overrides, End) is null)
        {
            changes.Add(new PlannedStep(End, 0, NoonSource));
        }

        return [.. changes];
    }

    /// <summary>How long the steps keep the circuit lit, at each level, and the full-light hours they are worth.</summary>
    public static void Measure(PlannedStep[] steps, DateTimeOffset start, DateTimeOffset end, out TimeSpan lit, out LevelTime[] atLevels, out double fullLightHours)
    {
        Span<long> ticks = stackalloc long[101];
        for (var i = 0; i < steps.Length && steps[i].Start < end; i++)
        {
            var until = i + 1 < steps.Length && steps[i + 1].Start < end ? steps[i + 1].Start : end;
            ticks[steps[i].Level] += (until - (steps[i].Start < start ? start : steps[i].Start)).Ticks;
        }

        var count = 0;
        var litTicks = 0L;
        fullLightHours = 0;
        for (var level = 1; level <= 100; level++)
        {
            count += ticks[level] > 0 ? 1 : 0;
            litTicks += ticks[level];
            fullLightHours += level / 100.0 * TimeSpan.FromTicks(ticks[level]).TotalHours;
        }

        lit = TimeSpan.FromTicks(litTicks);
        atLevels = new LevelTime[count];
        for (int level = 100, i = 0; level >= 1; level--)
        {
            if (ticks[level] > 0)
            {
                atLevels[i++] = new LevelTime(level, TimeSpan.FromTicks(ticks[level]));
            }
        }
    }

    private static LightingOverride? Newest(List<LightingOverride> overrides, DateTimeOffset instant)
    {
        LightingOverride? newest = null;
        foreach (var candidate in overrides)
        {
            // On a tie, the one given later in the list wins, as it would have been stored later.
            if (candidate.IsActiveAt(instant) && (newest is null || candidate.Created >= newest.Created))
            {
                newest = candidate;
            }
        }

        return newest;
    }

    /// <summary>Adds a step where it changes the level; at the instant of the last step, it replaces it.</summary>
    private static void Change(List<PlannedStep> changes, PlannedStep step)
    {
        if (changes.Count > 0 && changes[^1].Start == step.Start)
        {
            changes.RemoveAt(changes.Count - 1);
        }

        var current = changes.Count > 0 ? changes[^1].Level : 0;
        if (step.Level != current)
        {
            changes.Add(step);
        }
    }

    /// <summary>Removes each lit span (from a switch-on to the next switch-off, or the night's end) shorter than <paramref name="minimumBurn"/>.</summary>
    private static void LeaveShortSpansOff(List<PlannedStep> changes, DateTimeOffset end, TimeSpan minimumBurn)
    {
        for (var on = 0; on < changes.Count; on++)
        {
            if (changes[on].Level == 0)
            {
                continue;
            }

            var off = on + 1;
            while (off < changes.Count && changes[off].Level > 0)
            {
                off++;
            }

            var until = off < changes.Count ? changes[off].Start : end;
            if (until - changes[on].Start < minimumBurn)
            {
                // The switch-off goes with the span: the circuit was off before it.
                changes.RemoveRange(on, Math.Min(off + 1, changes.Count) - on);
                on--;
            }
            else
            {
                on = off;
            }
        }
    }
}
