using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Loos.Edge.Lighting;
using Loos.Edge.Lighting.Schedule;
using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Lighting;

/// <summary>A plan as a table a crew can print, as JSON (documented in README.md, "Public lighting") and as CSV.</summary>
internal sealed class LightingPlanOutput(ISiteContext site, LightingOptions options, IReadOnlyList<CircuitNight> plan, int overrideCount, string? overridesFile)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private IEnumerable<IGrouping<DateOnly, CircuitNight>> Nights => plan.GroupBy(n => n.Night);

    public string Table()
    {
        var text = new StringBuilder();
        text.Append(Invariant, $"Lighting plan of {site.Name}, times in {site.TimeZone.Id}; ");
        text.Append(overridesFile is null ? "no overrides file." : $"{overrideCount} override(s) from {overridesFile}.").AppendLine();
        foreach (var night in Nights)
        {
            var first = night.First();
            text.AppendLine();
            text.Append(Invariant, $"Night of {first.Night.DayOfWeek} {first.Night:yyyy-MM-dd} ({(first.End - first.Start).TotalHours:0} h): ");
            text.Append(first.Programme is null ? "no calendar rule matches, circuits off" : $"programme {first.Programme} (rule {first.Rule})").AppendLine();
            foreach (var circuitNight in night)
            {
                text.Append(Invariant, $"  {circuitNight.Circuit} ({RatedPower(circuitNight)} W)").AppendLine();
                foreach (var step in circuitNight.Steps)
                {
                    text.Append(Invariant, $"    {Local(step.Start):ddd HH:mm zzz}  {step.Level,3} %  {step.Source}").AppendLine();
                }

                text.Append(Invariant, $"    lit {Hours(circuitNight.Lit)}");
                if (circuitNight.AtLevels.Count > 0)
                {
                    text.Append(" (").AppendJoin(", ", circuitNight.AtLevels.Select(l => $"{l.Level} %: {Hours(l.Duration)}")).Append(')');
                }

                text.Append(Invariant, $"; planned {circuitNight.PlannedKwh:0.00} kWh, saved {Kwh(circuitNight.SavedKwh)} against full light from sunset to sunrise").AppendLine();
            }
        }

        text.AppendLine();
        foreach (var circuit in plan.GroupBy(n => n.Circuit))
        {
            text.Append(Invariant, $"{circuit.Key}: {circuit.Count()} night(s), lit {Hours(TimeSpan.FromTicks(circuit.Sum(n => n.Lit.Ticks)))}, planned {circuit.Sum(n => n.PlannedKwh):0.00} kWh, saved {Kwh(circuit.All(n => n.SavedKwh is not null) ? circuit.Sum(n => n.SavedKwh!.Value) : null)}").AppendLine();
        }

        return text.ToString().TrimEnd();
    }

    public string Json()
    {
        using var stream = new MemoryStream();
        // Offsets (+02:00) and accented names (Fête nationale) are printed as they are, not escaped.
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("site", site.Name);
            writer.WriteString("timeZone", site.TimeZone.Id);
            writer.WriteNumberOrNull("latitude", site.Location?.Latitude);
            writer.WriteNumberOrNull("longitude", site.Location?.Longitude);
            writer.WriteNumber("overrides", overrideCount);
            writer.WriteStartArray("nights");
            foreach (var night in Nights)
            {
                var first = night.First();
                writer.WriteStartObject();
                writer.WriteString("night", first.Night.ToString("yyyy-MM-dd", Invariant));
                writer.WriteString("start", Utc(first.Start));
                writer.WriteString("end", Utc(first.End));
                writer.WriteNumber("hours", Math.Round((first.End - first.Start).TotalHours, 4));
                writer.WriteString("rule", first.Rule);
                writer.WriteString("programme", first.Programme);
                writer.WriteStartArray("circuits");
                foreach (var circuitNight in night)
                {
                    WriteCircuit(writer, circuitNight);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public string Csv()
    {
        var text = new StringBuilder("night,circuit,rule,programme,steps,lit_hours,hours_at_levels,planned_kwh,full_light_kwh,saved_kwh").AppendLine();
        foreach (var night in plan)
        {
            text.AppendJoin(',', [
                night.Night.ToString("yyyy-MM-dd", Invariant),
                Quote(night.Circuit),
                Quote(night.Rule ?? string.Empty),
                Quote(night.Programme ?? string.Empty),
                string.Join(' ', night.Steps.Select(s => $"{Local(s.Start).ToString("yyyy-MM-ddTHH:mmzzz", Invariant)}={s.Level}")),
                Number(night.Lit.TotalHours, "0.####"),
                string.Join(' ', night.AtLevels.Select(l => $"{l.Level}={Number(l.Duration.TotalHours, "0.####")}")),
                Number(night.PlannedKwh, "0.###"),
                night.FullLightKwh is { } full ? Number(full, "0.###") : string.Empty,
                night.SavedKwh is { } saved ? Number(saved, "0.###") : string.Empty]).AppendLine();
        }

        return text.ToString().TrimEnd();

        static string Quote(string value) => value.Contains(',', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal)
            ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : value;
    }

    private void WriteCircuit(Utf8JsonWriter writer, CircuitNight night)
    {
        writer.WriteStartObject();
        writer.WriteString("circuit", night.Circuit);
        writer.WriteNumber("ratedPowerW", RatedPower(night));
        writer.WriteStartArray("steps");
        foreach (var step in night.Steps)
        {
            writer.WriteStartObject();
            writer.WriteString("utc", Utc(step.Start));
            writer.WriteString("local", Local(step.Start).ToString("yyyy-MM-ddTHH:mm:sszzz", Invariant));
            writer.WriteNumber("level", step.Level);
            writer.WriteString("source", step.Source);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("litHours", Math.Round(night.Lit.TotalHours, 4));
        writer.WriteStartObject("hoursAtLevel");
        foreach (var level in night.AtLevels)
        {
            writer.WriteNumber(level.Level.ToString(Invariant), Math.Round(level.Duration.TotalHours, 4));
        }

        writer.WriteEndObject();
        writer.WriteNumber("plannedKwh", Math.Round(night.PlannedKwh, 3));
        writer.WriteNumberOrNull("fullLightKwh", night.FullLightKwh, decimals: 3);
        writer.WriteNumberOrNull("savedKwh", night.SavedKwh, decimals: 3);
        writer.WriteEndObject();
    }

    private double RatedPower(CircuitNight night) => options.Circuits.First(c => c.Name == night.Circuit).RatedPowerW;

    private DateTimeOffset Local(DateTimeOffset instant) => LocalClock.ToLocal(instant, site.TimeZone);

    private static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", Invariant);

    private static string Hours(TimeSpan duration) => string.Create(Invariant, $"{(int)duration.TotalHours}:{duration.Minutes:00} h");

    private static string Kwh(double? kwh) => kwh is { } value ? value.ToString("0.00 kWh", Invariant) : "unknown (no site:latitude/longitude)";

    private static string Number(double value, string format) => value.ToString(format, Invariant);
}
