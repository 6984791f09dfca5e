using System.Text;
using Loos.Edge.SunSpec;

namespace Loos.Edge.Verbs.SunSpec;

/// <summary>A SunSpec device as <c>sunspec read</c> prints it: each model, then each point with its units, groups indented.</summary>
internal static class SunSpecText
{
    public static string Describe(SunSpecDevice device)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"SunSpec map at {device.BaseAddress}, {device.Models.Count} models").AppendLine();
        foreach (var model in device.Models)
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"model {model.Id} {model.Name ?? "(not defined here: not decoded)"} at {model.Address}, {model.Length} registers").AppendLine();
            if (SunSpecModels.TryGet(model.Id, out var definition))
            {
                DescribeGroup(text, definition.Group, model.Points, model.Groups, "  ");
            }
        }

        return text.ToString().TrimEnd();
    }

    private static void DescribeGroup(
        StringBuilder text, SunSpecGroupDefinition group, IReadOnlyDictionary<string, object?> points, IReadOnlyList<SunSpecGroupInstance> groups, string prefix)
    {
        foreach (var point in group.Points)
        {
            if (point.Type == SunSpecPointType.Pad || !points.TryGetValue(point.Name, out var value))
            {
                continue;
            }

            var shown = value switch
            {
                null => "not implemented",
                double number => number.ToString("G10", CultureInfo.InvariantCulture) + (point.Units is { } units ? " " + units.Trim() : string.Empty),
                string[] names => names.Length == 0 ? "(none)" : string.Join(", ", names),
                _ => value.ToString(),
            };
            text.Append(CultureInfo.InvariantCulture, $"{prefix + point.Name,-28} {shown}").AppendLine();
        }

        foreach (var instance in groups)
        {
            var definition = group.Groups.First(candidate => candidate.Name == instance.Name);
            var name = instance.Index is { } index ? $"{instance.Name}[{index}]." : instance.Name + ".";
            DescribeGroup(text, definition, instance.Points, instance.Groups, prefix + name);
        }
    }
}
