using System.Globalization;
using System.Text;
using Loos.Edge.Core;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>Checks and parses a subscription's JSON fields and timestamp, each problem with its key path.</summary>
internal static class MqttFieldPlanner
{
    public static FieldPlan? PlanField(MqttFieldOptions field, string where, ConfigurationProblems problems)
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

    public static TimestampPlan? PlanTimestamp(MqttTimestampOptions timestamp, string where, ConfigurationProblems problems)
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
    public static PathStep[]? TryParsePath(string? text, out string? problem)
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
                steps.Add(new PathStep(Encoding.UTF8.GetBytes(name), -1));
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
                if (rest[0] != '[' || close < 2 || !int.TryParse(rest.AsSpan(1, close - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
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

    public static bool TryParseKind(string? text, out ValueKind kind)
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
}
