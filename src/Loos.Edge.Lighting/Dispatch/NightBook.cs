using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Schedule;

namespace Loos.Edge.Lighting.Dispatch;

/// <summary>
/// Keeps the lighting's series by the night: the plan of the night in progress and of the week ahead
/// (<c>lighting_plan</c>, written again when overrides change it), those nights' sun times (<c>lighting_sun</c>)
/// and, once a night is over, each circuit's planned, measured and saved energy and its burning hours
/// (<c>lighting_night</c>).
/// </summary>
internal sealed class NightBook(LightingOptions options, LightingPlanner planner, LightingSeries series, ControllerStatus? status, TimeZoneInfo timeZone)
{
    /// <summary>The nights whose plan is published: the one in progress and the seven after it.</summary>
    public const int PublishedNights = 8;

    private readonly Dictionary<string, SortedDictionary<DateTimeOffset, int>> published = [];
    private DateOnly? night;
    private string planKey = "";

    /// <summary>Writes what <paramref name="now"/> calls for; returns when the next night starts.</summary>
    public async Task<DateTimeOffset> KeepAsync(DateTimeOffset now, IReadOnlyList<LightingOverride> overrides, CancellationToken cancellationToken)
    {
        var current = NightOf(now);
        if ((night ?? current.AddDays(-1)) is var previous && previous < current)
        {
            // At start the night before is written too (its plan; nothing was measured): a gateway that was down at
            // noon, or restarted since, still records every night, and InfluxDB keeps one point per night.
            await WriteNightAsync(previous, overrides, cancellationToken).ConfigureAwait(false);
        }

        var key = string.Join(',', overrides.Select(o => o.Id));
        if (night != current || key != planKey)
        {
            if (options.PublishSeries)
            {
                await PublishPlanAsync(current, overrides, cancellationToken).ConfigureAwait(false);
                if (night != current)
                {
                    await PublishSunAsync(current, cancellationToken).ConfigureAwait(false);
                    foreach (var circuit in options.Circuits.Where(c => c.Kind == CircuitKind.Mqtt && c.Luminaires.Count > 0))
                    {
                        await series.LuminairesAsync(circuit.Name, circuit.Controller!, circuit.Luminaires, circuit.RatedPowerW, StartOf(current), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            night = current;
            planKey = key;
        }

        return StartOf(current.AddDays(1));
    }

    /// <summary>The night <paramref name="instant"/> belongs to: a lighting night runs from noon to noon and carries its evening's date.</summary>
    public DateOnly NightOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, timeZone).DateTime.AddHours(-12));

    /// <summary>When night <paramref name="date"/> starts: local noon (never in a clock change, which happen at night).</summary>
    public DateTimeOffset StartOf(DateOnly date)
    {
        var noon = date.ToDateTime(new TimeOnly(12, 0));
        return new DateTimeOffset(noon, timeZone.GetUtcOffset(noon));
    }

    /// <summary>
    /// Writes each circuit's steps from the night in progress to the last published night. A step published before
    /// that the new plan no longer has (an override cancelled) cannot be deleted from InfluxDB: it is written again
    /// with the level the new plan has at that instant, which leaves the plan's levels as they are.
    /// </summary>
    private async Task PublishPlanAsync(DateOnly current, IReadOnlyList<LightingOverride> overrides, CancellationToken cancellationToken)
    {
        var since = StartOf(current);
        foreach (var circuitNights in planner.Plan(current, PublishedNights, overrides).GroupBy(n => n.Circuit))
        {
            var steps = new SortedDictionary<DateTimeOffset, int>();
            foreach (var step in circuitNights.SelectMany(n => n.Steps))
            {
                steps[step.Start] = step.Level;
            }

            var written = new SortedDictionary<DateTimeOffset, int>(steps);
            if (published.TryGetValue(circuitNights.Key, out var before))
            {
                foreach (var instant in before.Keys.Where(i => i >= since && !steps.ContainsKey(i)))
                {
                    written[instant] = LevelAt(steps, instant);
                }
            }

            published[circuitNights.Key] = written;
            await series.PlanAsync(circuitNights.Key, written.Select(w => (w.Key, w.Value)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The level of the last step at or before <paramref name="instant"/>; off before the first.</summary>
    private static int LevelAt(SortedDictionary<DateTimeOffset, int> steps, DateTimeOffset instant)
    {
        var level = 0;
        foreach (var (start, stepLevel) in steps)
        {
            if (start > instant)
            {
                break;
            }

            level = stepLevel;
        }

        return level;
    }

    /// <summary>Writes the sun times of the published nights: each night's sunset and civil dusk, and the next morning's civil dawn and sunrise.</summary>
    private async Task PublishSunAsync(DateOnly current, CancellationToken cancellationToken)
    {
        for (var date = current; date < current.AddDays(PublishedNights); date = date.AddDays(1))
        {
            if (planner.SunOn(date) is not { } evening || planner.SunOn(date.AddDays(1)) is not { } morning)
            {
                return;
            }

            await series.SunAsync(
                StartOf(date),
                [("sunset", evening.Sunset), ("civil_dusk", evening.CivilDusk), ("civil_dawn", morning.CivilDawn), ("sunrise", morning.Sunrise)],
                cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteNightAsync(DateOnly date, IReadOnlyList<LightingOverride> overrides, CancellationToken cancellationToken)
    {
        foreach (var circuitNight in planner.Plan(date, 1, overrides))
        {
            var circuit = options.Circuits.First(c => c.Name == circuitNight.Circuit);
            var measuredWh = MeasuredWh(circuit);
            if (!options.PublishSeries)
            {
                continue;
            }

            List<(string, string, double)> figures =
            [
                ("planned_energy", "kWh", circuitNight.PlannedKwh),
                ("lit_hours", "h", circuitNight.Lit.TotalHours),
            ];
            if (circuitNight.SavedKwh is { } savedKwh)
            {
                figures.Add(("saved_energy", "kWh", savedKwh));
            }

            if (measuredWh is { } wh)
            {
                figures.Add(("measured_energy", "kWh", wh / 1000));
            }

            await series.NightAsync(circuitNight.Circuit, StartOf(date), figures, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The energy the circuit's luminaires reported since the last night was written, Wh; null when none reported power.</summary>
    private double? MeasuredWh(CircuitOptions circuit)
    {
        if (status is null || circuit.Kind != CircuitKind.Mqtt)
        {
            return null;
        }

        double? total = null;
        foreach (var luminaire in circuit.Luminaires)
        {
            if (status.DrainEnergyWh(circuit.Controller!, luminaire) is { } wh)
            {
                total = (total ?? 0) + wh;
            }
        }

        return total;
    }
}
