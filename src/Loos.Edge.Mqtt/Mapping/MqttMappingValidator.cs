using Loos.Edge.Core;
using Loos.Edge.Core.LineProtocol;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>Checks the subscriptions of the <c>mqtt</c> section at start, presets applied, reporting every problem with its key path.</summary>
public static class MqttMappingValidator
{
    /// <summary>
    /// Every problem in <paramref name="subscriptions"/>, each starting with its key path, for example
    /// <c>mqtt:subscriptions:0:fields:2:kind: 'flaot' is not float, integer or boolean</c>; a problem in a value taken
    /// from a preset names the preset file (<c>mqtt:subscriptions:0:preset: zigbee2mqtt.yaml: fields:3:path: …</c>).
    /// Empty when valid.
    /// </summary>
    /// <param name="subscriptions">The subscriptions, as bound from the site file.</param>
    /// <param name="presetDirectory">The absolute directory of the preset files; null when there is none.</param>
    public static ConfigurationProblems Check(IReadOnlyList<MqttMappingOptions> subscriptions, string? presetDirectory)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        var problems = new ConfigurationProblems();
        MqttMappingPlanner.Plan(subscriptions, presetDirectory, problems);
        return problems;
    }
}

/// <summary>The payload kinds of <see cref="MqttMappingOptions.Payload"/>.</summary>
internal enum PayloadFormat : byte
{
    Json,
    Number,
    LineProtocol,
}

/// <summary>One step of a JSON path: a property name (UTF-8) or an array index.</summary>
internal readonly record struct PathStep(byte[]? Name, int Index)
{
    public override string ToString() => Name is null ? $"[{Index}]" : System.Text.Encoding.UTF8.GetString(Name);
}

internal sealed record FieldPlan(string Name, PathStep[] Path, string Unit, double Scale, double Offset, ValueKind Kind, bool Required);

internal sealed record TimestampPlan(string PathText, PathStep[] Path, bool AcceptsIso, long? TicksPerUnixUnit, TimeZoneInfo Zone);

/// <summary>A subscription with its preset applied, checked and parsed: what the mapper compiles.</summary>
internal sealed record MappingPlan(
    int Index,
    MqttTopicFilter Filter,
    PayloadFormat Format,
    string Measurement,
    Tag[] Tags,
    FieldPlan[] Fields,
    TimestampPlan? Timestamp,
    LineProtocolPrecision Precision);

/// <summary>Applies presets and checks subscriptions; shared by the validator and the mapper so that they agree.</summary>
internal static class MqttMappingPlanner
{
    public const string SectionPath = "mqtt:subscriptions";

    public static List<MappingPlan> Plan(IReadOnlyList<MqttMappingOptions> subscriptions, string? presetDirectory, ConfigurationProblems problems)
    {
        var plans = new List<MappingPlan>(subscriptions.Count);
        for (var index = 0; index < subscriptions.Count; index++)
        {
            if (PlanOne(index, subscriptions[index], presetDirectory, problems) is { } plan)
            {
                // A message goes to the first subscription that matches: a second one with the same filter gets nothing.
                if (plans.Find(p => p.Filter.Filter == plan.Filter.Filter) is { } earlier)
                {
                    problems.Add($"{SectionPath}:{index}:topic", $": '{plan.Filter.Pattern}' subscribes to the same topics as subscription {earlier.Index}, which takes all their messages");
                }

                plans.Add(plan);
            }
        }

        return plans;
    }

    private static MappingPlan? PlanOne(int index, MqttMappingOptions subscription, string? presetDirectory, ConfigurationProblems problems)
    {
        var prefix = $"{SectionPath}:{index}";
        var before = problems.Count;
        if (subscription is null)
        {
            problems.Add(prefix, ": the subscription is empty");
            return null;
        }

        MqttMappingOptions? preset = null;
        var presetPrefix = string.Empty;
        if (!string.IsNullOrWhiteSpace(subscription.Preset))
        {
            var presetProblems = new List<string>();
            preset = MqttPresets.TryLoad(presetDirectory, subscription.Preset, presetProblems);
            foreach (var problem in presetProblems)
            {
                problems.Add($"{prefix}:preset", $": {problem}");
            }

            if (preset is null)
            {
                return null;
            }

            presetPrefix = $"{prefix}:preset: {subscription.Preset}.yaml: ";
        }

        // Where a key's value came from: the subscription's key path, or the preset file.
        string Where(string key, object? own) => own is not null || preset is null ? $"{prefix}:{key}" : $"{presetPrefix}{key}";

        var topic = subscription.Topic ?? preset?.Topic;
        var filter = MqttTopicFilter.TryParse(topic, out var filterProblem);
        if (filter is null)
        {
            problems.Add(Where("topic", subscription.Topic), $": {filterProblem}");
        }

        var payloadText = subscription.Payload ?? preset?.Payload ?? "json";
        PayloadFormat format;
        switch (payloadText.ToLowerInvariant())
        {
            case "json":
                format = PayloadFormat.Json;
                break;
            case "number":
                format = PayloadFormat.Number;
                break;
            case "line-protocol":
                format = PayloadFormat.LineProtocol;
                break;
            default:
                problems.Add(Where("payload", subscription.Payload), $": '{payloadText}' is not number, json or line-protocol");
                return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var tagWhere = new Dictionary<string, string>(StringComparer.Ordinal);
        if (preset is not null)
        {
            foreach (var (key, value) in preset.Tags)
            {
                tags[key] = value;
                tagWhere[key] = $"{presetPrefix}tags:{key}";
            }
        }

        foreach (var (key, value) in subscription.Tags)
        {
            tags[key] = value;
            tagWhere[key] = $"{prefix}:tags:{key}";
        }

        var literalTags = new List<Tag>();
        foreach (var (key, value) in tags)
        {
            if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(value))
            {
                problems.Add($"{tagWhere[key]}", ": tag keys and values must not be empty");
                continue;
            }

            if (filter is not null)
            {
                foreach (var topicTag in filter.Tags)
                {
                    if (topicTag.Tag == key)
                    {
                        problems.Add($"{tagWhere[key]}", $": tag '{key}' is also taken from topic level {topicTag.Level}");
                    }
                }
            }

            literalTags.Add(new Tag(key, value));
        }

        var measurement = subscription.Measurement ?? preset?.Measurement;
        var fieldsOptions = MergeFields(subscription, preset, prefix, presetPrefix);
        var timestamp = subscription.Timestamp ?? preset?.Timestamp;
        var timestampWhere = Where("timestamp", subscription.Timestamp);
        var precision = LineProtocolPrecision.Nanoseconds;
        var fields = new List<FieldPlan>();
        TimestampPlan? timestampPlan = null;

        if (format == PayloadFormat.LineProtocol)
        {
            ReportUnused(
                problems,
                "line-protocol",
                (Where("measurement", subscription.Measurement), measurement),
                (Where("field", subscription.Field), subscription.Field ?? preset?.Field),
                (Where("unit", subscription.Unit), subscription.Unit ?? preset?.Unit),
                (Where("kind", subscription.Kind), subscription.Kind ?? preset?.Kind),
                (timestampWhere, timestamp));
            if (fieldsOptions.Count > 0)
            {
                problems.Add($"{fieldsOptions[0].Where}", ": fields are not used with payload line-protocol (each line names its own)");
            }

            var precisionText = subscription.Precision ?? preset?.Precision;
            if (precisionText is not null && (precisionText is not ("ns" or "us" or "ms" or "s") || !LineProtocolParser.TryParsePrecision(precisionText, out precision)))
            {
                problems.Add(Where("precision", subscription.Precision), $": '{precisionText}' is not ns, us, ms or s");
            }
        }
        else
        {
            ReportUnused(problems, payloadText, (Where("precision", subscription.Precision), subscription.Precision ?? preset?.Precision));
            if (string.IsNullOrWhiteSpace(measurement))
            {
                problems.Add(Where("measurement", subscription.Measurement), $": a measurement is required for payload {payloadText}");
            }

            if (format == PayloadFormat.Number)
            {
                ReportUnused(problems, "number", (timestampWhere, timestamp));
                if (fieldsOptions.Count > 0)
                {
                    problems.Add($"{fieldsOptions[0].Where}", ": fields are not used with payload number (use field, unit and kind)");
                }

                var kindText = subscription.Kind ?? preset?.Kind ?? "float";
                var name = subscription.Field ?? preset?.Field ?? "value";
                if (string.IsNullOrEmpty(name))
                {
                    problems.Add(Where("field", subscription.Field), $": the field name must not be empty");
                }

                if (TryParseKind(kindText, out var kind))
                {
                    fields.Add(new FieldPlan(name, [], subscription.Unit ?? preset?.Unit ?? string.Empty, 1, 0, kind, Required: true));
                }
                else
                {
                    problems.Add(Where("kind", subscription.Kind), $": '{kindText}' is not float, integer or boolean");
                }
            }
            else
            {
                ReportUnused(
                    problems,
                    "json",
                    (Where("field", subscription.Field), subscription.Field ?? preset?.Field),
                    (Where("unit", subscription.Unit), subscription.Unit ?? preset?.Unit),
                    (Where("kind", subscription.Kind), subscription.Kind ?? preset?.Kind));
                if (fieldsOptions.Count == 0)
                {
                    problems.Add($"{prefix}:fields", ": payload json needs at least one field");
                }

                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (field, where) in fieldsOptions)
                {
                    if (field is not null && !string.IsNullOrWhiteSpace(field.Name) && !names.Add(field.Name))
                    {
                        problems.Add($"{where}:name", $": field '{field.Name}' is given twice");
                    }

                    if (PlanField(field!, where, problems) is { } plan)
                    {
                        fields.Add(plan);
                    }
                }

                if (timestamp is not null)
                {
                    timestampPlan = PlanTimestamp(timestamp, timestampWhere, problems);
                }
            }
        }

        if (problems.Count > before || filter is null)
        {
            return null;
        }

        return new MappingPlan(index, filter, format, measurement ?? string.Empty, [.. literalTags], [.. fields], timestampPlan, precision);
    }

    private static List<(MqttFieldOptions Field, string Where)> MergeFields(MqttMappingOptions subscription, MqttMappingOptions? preset, string prefix, string presetPrefix)
    {
        var merged = new List<(MqttFieldOptions Field, string Where)>();
        if (preset is not null)
        {
            for (var i = 0; i < preset.Fields.Count; i++)
            {
                merged.Add((preset.Fields[i], $"{presetPrefix}fields:{i}"));
            }
        }

        for (var i = 0; i < subscription.Fields.Count; i++)
        {
            var field = subscription.Fields[i];
            var entry = (field, $"{prefix}:fields:{i}");
            var replaced = merged.FindIndex(m => m.Field.Name == field.Name && m.Where.StartsWith(presetPrefix, StringComparison.Ordinal) && presetPrefix.Length > 0);
            if (replaced >= 0)
            {
                merged[replaced] = entry;
            }
            else
            {
                merged.Add(entry);
            }
        }

        return merged;
    }

    private static FieldPlan? PlanField(MqttFieldOptions field, string where, ConfigurationProblems problems)
    {
        var before = problems.Count;
        if (field is null)
        {
            problems.Add(where, ": the field is empty");
            return null;
        }

        if (string.IsNullOrWhiteSpace(field.Name))
        {
            problems.Add($"{where}:name", ": a field name is required");
        }

        var pathText = field.Path ?? field.Name;
        var path = TryParsePath(pathText, out var pathProblem);
        if (path is null && !string.IsNullOrWhiteSpace(field.Name))
        {
            problems.Add($"{where}:path", $": {pathProblem}");
        }

        if (!TryParseKind(field.Kind, out var kind))
        {
            problems.Add($"{where}:kind", $": '{field.Kind}' is not float, integer or boolean");
        }
        else if (kind == ValueKind.Boolean && (field.Scale != 1 || field.Offset != 0))
        {
            problems.Add($"{where}:scale", ": a boolean field takes no scale or offset");
        }

        if (!double.IsFinite(field.Scale) || field.Scale == 0)
        {
            problems.Add($"{where}:scale", $": {field.Scale} is not a finite, non-zero factor");
        }

        if (!double.IsFinite(field.Offset))
        {
            problems.Add($"{where}:offset", $": {field.Offset} is not finite");
        }

        return problems.Count > before || path is null
            ? null
            : new FieldPlan(field.Name, path, field.Unit ?? string.Empty, field.Scale, field.Offset, kind, field.Required);
    }

    private static TimestampPlan? PlanTimestamp(MqttTimestampOptions timestamp, string where, ConfigurationProblems problems)
    {
        var before = problems.Count;
        var path = TryParsePath(timestamp.Path, out var pathProblem);
        if (path is null)
        {
            problems.Add($"{where}:path", $": {pathProblem}");
        }

        var acceptsIso = false;
        long? ticksPerUnit = null;
        foreach (var format in (timestamp.Format ?? string.Empty).Split('|', StringSplitOptions.TrimEntries))
        {
            switch (format)
            {
                case "iso8601" when !acceptsIso:
                    acceptsIso = true;
                    break;
                case "unix-s" when ticksPerUnit is null:
                    ticksPerUnit = TimeSpan.TicksPerSecond;
                    break;
                case "unix-ms" when ticksPerUnit is null:
                    ticksPerUnit = TimeSpan.TicksPerMillisecond;
                    break;
                default:
                    problems.Add($"{where}:format", $": '{timestamp.Format}' is not iso8601, unix-s or unix-ms, or one ISO and one Unix format joined by '|'");
                    break;
            }
        }

        TimeZoneInfo? zone = null;
        if (string.IsNullOrWhiteSpace(timestamp.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(timestamp.TimeZone, out zone))
        {
            problems.Add($"{where}:timeZone", $": '{timestamp.TimeZone}' is not a known IANA time zone");
        }

        return problems.Count > before || path is null || zone is null
            ? null
            : new TimestampPlan(timestamp.Path, path, acceptsIso, ticksPerUnit, zone);
    }

    /// <summary>Parses a dotted path with <c>[index]</c> steps: <c>ENERGY.Power</c>, <c>switch:0.apower</c>, <c>[0].value</c>.</summary>
    internal static PathStep[]? TryParsePath(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "a path is required";
            return null;
        }

        var steps = new List<PathStep>();
        var parts = text.Split('.');
        for (var p = 0; p < parts.Length; p++)
        {
            var part = parts[p];
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? part : part[..bracket];
            if (name.Length > 0)
            {
                steps.Add(new PathStep(System.Text.Encoding.UTF8.GetBytes(name), -1));
            }
            else if (!(p == 0 && bracket == 0))
            {
                problem = $"'{text}' has an empty name (two dots, or a dot at an end)";
                return null;
            }

            var rest = bracket < 0 ? string.Empty : part[bracket..];
            while (rest.Length > 0)
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                if (rest[0] != '[' || close < 2 || !int.TryParse(rest.AsSpan(1, close - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    problem = $"'{text}': an array index is written [0], [1], …";
                    return null;
                }

                steps.Add(new PathStep(null, index));
                rest = rest[(close + 1)..];
            }
        }

        return [.. steps];
    }

    internal static bool TryParseKind(string? text, out ValueKind kind)
    {
        switch (text?.ToLowerInvariant())
        {
            case "float":
                kind = ValueKind.Float;
                return true;
            case "integer":
                kind = ValueKind.Integer;
                return true;
            case "boolean":
                kind = ValueKind.Boolean;
                return true;
            default:
                kind = ValueKind.Float;
                return false;
        }
    }

    private static void ReportUnused(ConfigurationProblems problems, string payload, params (string Where, object? Value)[] keys)
    {
        foreach (var (where, value) in keys)
        {
            if (value is not null)
            {
                problems.Add(where, $": not used with payload {payload}");
            }
        }
    }
}
