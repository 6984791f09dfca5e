using System.Text.Json;
using Loos.Edge.Web.Influx;

namespace Loos.Edge.Web.Crew;

/// <summary>One planned change of level of a circuit.</summary>
internal readonly record struct PlanStep(DateTimeOffset At, int Level);

/// <summary>The sun times of one night of a gateway (the night starting at local noon <see cref="NightStart"/>).</summary>
internal sealed record NightSun(DateTimeOffset NightStart, DateTimeOffset? Sunset, DateTimeOffset? CivilDusk, DateTimeOffset? CivilDawn, DateTimeOffset? Sunrise);

/// <summary>What the crew's page shows of one circuit.</summary>
internal sealed record CircuitView(
    string Gateway,
    string Circuit,
    IReadOnlyList<PlanStep> Plan,
    int? CommandedLevel,
    string? CommandOutcome,
    DateTimeOffset? CommandedAt,
    IReadOnlyList<(string Luminaire, double? Level, bool LampFailure)> Luminaires,
    double? SavedKwhThisMonth)
{
    /// <summary>Whether the gateway's last word on the circuit is that it does not follow its commands.</summary>
    public bool NotFollowing => CommandOutcome == "not-following";
}

/// <summary>Everything the page shows, read from InfluxDB in one round trip.</summary>
internal sealed record CrewView(IReadOnlyList<CircuitView> Circuits, IReadOnlyDictionary<string, IReadOnlyList<NightSun>> Sun, DateTimeOffset FirstNight);

/// <summary>
/// Reads the lighting series the gateways publish (<c>lighting_plan</c>, <c>lighting_sun</c>, <c>lighting_command</c>,
/// <c>lighting_luminaire</c>, <c>lighting_night</c>, and the controllers' <c>lighting</c> status) per gateway and circuit.
/// </summary>
internal sealed class CrewData(InfluxReader influx)
{
    /// <summary>The nights shown: the one in progress and the week after it, as the gateways publish them.</summary>
    public const int Nights = 8;

    /// <summary>The page's figures, for the night starting at <paramref name="firstNight"/> (local noon) and the month starting at <paramref name="monthStart"/>.</summary>
    /// <exception cref="InfluxReadException">InfluxDB cannot be read.</exception>
    public async Task<CrewView> ReadAsync(DateTimeOffset firstNight, DateTimeOffset monthStart, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = Time(firstNight);
        var until = Time(firstNight.AddDays(Nights));
        var recent = Time(now.AddDays(-Nights));
        var results = await influx.QueryAsync(
            $"SELECT level FROM lighting_plan WHERE time >= {from} AND time < {until} GROUP BY gateway, circuit;" +
            $"SELECT sunset, civil_dusk, civil_dawn, sunrise FROM lighting_sun WHERE time >= {from} AND time < {until} GROUP BY gateway;" +
            $"SELECT last(level) FROM lighting_command WHERE time > {recent} GROUP BY gateway, circuit, outcome;" +
            $"SELECT last(rated_power) FROM lighting_luminaire WHERE time > {recent} GROUP BY gateway, circuit, controller, luminaire;" +
            $"SELECT last(level) FROM lighting WHERE time > {Time(now.AddDays(-1))} GROUP BY controller, luminaire;" +
            $"SELECT last(lamp_failure) FROM lighting WHERE time > {Time(now.AddDays(-1))} GROUP BY controller, luminaire;" +
            $"SELECT sum(saved_energy) FROM lighting_night WHERE time >= {Time(monthStart)} GROUP BY gateway, circuit",
            cancellationToken).ConfigureAwait(false);

        var circuits = new SortedDictionary<(string Gateway, string Circuit), List<PlanStep>>();
        foreach (var series in results[0])
        {
            var steps = circuits[(series.Tags["gateway"], series.Tags["circuit"])] = [];
            steps.AddRange(series.Rows.Select(row => new PlanStep(Instant(row[0]), (int)row[series.Column("level")].GetDouble())));
        }

        var sun = results[1].ToDictionary(
            s => s.Tags["gateway"],
            s => (IReadOnlyList<NightSun>)[.. s.Rows.Select(row => new NightSun(Instant(row[0]), Seconds(row[1]), Seconds(row[2]), Seconds(row[3]), Seconds(row[4])))],
            StringComparer.Ordinal);

        var levels = Latest(results[4]);
        var failures = Latest(results[5]);
        return new CrewView(
            [.. circuits.Select(c => View(c.Key.Gateway, c.Key.Circuit, c.Value, results, levels, failures))],
            sun,
            firstNight);
    }

    private static CircuitView View(
        string gateway, string circuit, List<PlanStep> plan, IReadOnlyList<IReadOnlyList<InfluxSeries>> results,
        Dictionary<(string, string), JsonElement> levels, Dictionary<(string, string), JsonElement> failures)
    {
        bool Ours(InfluxSeries s) => s.Tags.GetValueOrDefault("gateway") == gateway && s.Tags.GetValueOrDefault("circuit") == circuit;
        var last = results[2].Where(Ours).Select(s => (Outcome: s.Tags.GetValueOrDefault("outcome"), Row: s.Rows[0])).MaxBy(c => c.Row[0].GetInt64());
        var luminaires = results[3].Where(Ours)
            .Select(s => (Controller: s.Tags.GetValueOrDefault("controller") ?? "", Luminaire: s.Tags.GetValueOrDefault("luminaire") ?? ""))
            .Select(l => (
                l.Luminaire,
                levels.TryGetValue((l.Controller, l.Luminaire), out var level) && level.ValueKind == JsonValueKind.Number ? level.GetDouble() : (double?)null,
                failures.TryGetValue((l.Controller, l.Luminaire), out var failed) && (failed.ValueKind == JsonValueKind.True || failed.ValueKind == JsonValueKind.Number && failed.GetDouble() != 0)))
            .ToList();
        var saved = results[6].FirstOrDefault(Ours) is { Rows.Count: > 0 } night && night.Rows[0][1].ValueKind == JsonValueKind.Number ? night.Rows[0][1].GetDouble() : (double?)null;
        return new CircuitView(
            gateway,
            circuit,
            plan,
            last.Row is null ? null : (int)last.Row[1].GetDouble(),
            last.Outcome,
            last.Row is null ? null : Instant(last.Row[0]),
            luminaires,
            saved);
    }

    private static Dictionary<(string, string), JsonElement> Latest(IReadOnlyList<InfluxSeries> series) =>
        series.Where(s => s.Rows.Count > 0).ToDictionary(s => (s.Tags.GetValueOrDefault("controller") ?? "", s.Tags.GetValueOrDefault("luminaire") ?? ""), s => s.Rows[0][1]);

    private static DateTimeOffset Instant(JsonElement epochMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds.GetInt64());

    private static DateTimeOffset? Seconds(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeSeconds((long)value.GetDouble()) : null;

    private static string Time(DateTimeOffset instant) => InfluxReader.Literal(instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
}
