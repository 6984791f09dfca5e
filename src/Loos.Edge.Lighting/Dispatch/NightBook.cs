using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Schedule;

namespace Loos.Edge.Lighting.Dispatch;

/// <summary>
/// Keeps the lighting's series by the night: the plan of the night in progress (<c>lighting_plan</c>, written again
/// when overrides change it) and, once a night is over, each circuit's planned, measured and saved energy and its
/// burning hours (<c>lighting_night</c>).
/// </summary>
internal sealed class NightBook(LightingOptions options, LightingPlanner planner, LightingSeries series, ControllerStatus? status, TimeZoneInfo timeZone)
{
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
            night = current;
            planKey = key;
            if (options.PublishSeries)
            {
                foreach (var circuitNight in planner.Plan(current, 1, overrides))
                {
                    await series.PlanAsync(circuitNight.Circuit, circuitNight.Steps.Select(s => (s.Start, s.Level)), cancellationToken).ConfigureAwait(false);
                }
            }
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
