using Loos.Edge.Core;
using Loos.Edge.Core.LineProtocol;

namespace Loos.Edge.Mqtt.Mapping;

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

                if (MqttFieldPlanner.TryParseKind(kindText, out var kind))
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

                    if (MqttFieldPlanner.PlanField(field!, where, problems) is { } plan)
                    {
                        fields.Add(plan);
                    }
                }

                if (timestamp is not null)
                {
                    timestampPlan = MqttFieldPlanner.PlanTimestamp(timestamp, timestampWhere, problems);
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
