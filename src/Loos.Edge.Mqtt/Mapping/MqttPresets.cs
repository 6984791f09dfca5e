using System.Globalization;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>
/// Preset files: a subscription's defaults, in <c>&lt;presetDirectory&gt;/&lt;name&gt;.yaml</c>, written with the keys of a
/// subscription (all but <c>preset</c>) plus an optional <c>description</c>.
/// </summary>
internal static class MqttPresets
{
    /// <summary>The path of preset <paramref name="name"/> in <paramref name="directory"/>: <c>&lt;name&gt;.yaml</c>.</summary>
    public static string PathOf(string directory, string name) => Path.Combine(directory, name + ".yaml");

    /// <summary>The names of the presets in <paramref name="directory"/>, sorted; empty when it does not exist.</summary>
    public static IReadOnlyList<string> List(string? directory)
    {
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            return [];
        }

        var names = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml"))
        {
            names.Add(Path.GetFileNameWithoutExtension(file));
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// Reads preset <paramref name="name"/> from <paramref name="directory"/>; null with every problem (each naming the
    /// file and line) when it is missing or malformed.
    /// </summary>
    public static MqttMappingOptions? TryLoad(string? directory, string name, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(problems);
        if (string.IsNullOrEmpty(directory))
        {
            problems.Add($"no preset directory to find preset '{name}' in");
            return null;
        }

        if (name.Length == 0 || name.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('.', StringComparison.Ordinal))
        {
            problems.Add($"'{name}' is not a preset name (a file name without '.yaml')");
            return null;
        }

        var path = PathOf(directory, name);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            var known = List(directory);
            problems.Add($"no preset '{name}' in {directory} (known: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{path}: {exception.Message}");
            return null;
        }

        if (PresetYaml.TryParse(text, out var yamlProblem) is not { } root)
        {
            problems.Add($"{path}: {yamlProblem}");
            return null;
        }

        var before = problems.Count;
        var options = BindMapping(root, path, problems);
        return problems.Count == before ? options : null;
    }

    private static MqttMappingOptions BindMapping(YamlNode node, string path, List<string> problems)
    {
        var options = new MqttMappingOptions();
        if (node.Entries is not { } entries)
        {
            problems.Add($"{path}:{node.Line}: a preset is a mapping of subscription keys");
            return options;
        }

        foreach (var (key, value) in entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "description":
                    _ = Scalar(value, path, key, problems);
                    break;
                case "topic":
                    options.Topic = Scalar(value, path, key, problems);
                    break;
                case "payload":
                    options.Payload = Scalar(value, path, key, problems);
                    break;
                case "measurement":
                    options.Measurement = Scalar(value, path, key, problems);
                    break;
                case "field":
                    options.Field = Scalar(value, path, key, problems);
                    break;
                case "unit":
                    options.Unit = Scalar(value, path, key, problems);
                    break;
                case "kind":
                    options.Kind = Scalar(value, path, key, problems);
                    break;
                case "precision":
                    options.Precision = Scalar(value, path, key, problems);
                    break;
                case "tags":
                    BindTags(value, path, options.Tags, problems);
                    break;
                case "fields":
                    BindFields(value, path, options.Fields, problems);
                    break;
                case "timestamp":
                    options.Timestamp = BindTimestamp(value, path, problems);
                    break;
                default:
                    problems.Add($"{path}:{value.Line}: unknown key '{key}' (known here: description, topic, payload, measurement, field, unit, kind, precision, tags, fields, timestamp)");
                    break;
            }
        }

        return options;
    }

    private static void BindTags(YamlNode node, string path, Dictionary<string, string> tags, List<string> problems)
    {
        if (node.Entries is not { } entries)
        {
            problems.Add($"{path}:{node.Line}: tags is a mapping of tag keys to values");
            return;
        }

        foreach (var (key, value) in entries)
        {
            if (Scalar(value, path, key, problems) is { } text)
            {
                tags[key] = text;
            }
        }
    }

    private static void BindFields(YamlNode node, string path, List<MqttFieldOptions> fields, List<string> problems)
    {
        if (node.Items is not { } items)
        {
            problems.Add($"{path}:{node.Line}: fields is a list");
            return;
        }

        foreach (var item in items)
        {
            if (item.Entries is not { } entries)
            {
                problems.Add($"{path}:{item.Line}: a field is a mapping (name, path, unit, scale, offset, kind, required)");
                continue;
            }

            var field = new MqttFieldOptions();
            foreach (var (key, value) in entries)
            {
                var text = Scalar(value, path, key, problems);
                switch (key.ToLowerInvariant())
                {
                    case "name":
                        field.Name = text ?? string.Empty;
                        break;
                    case "path":
                        field.Path = text;
                        break;
                    case "unit":
                        field.Unit = text ?? string.Empty;
                        break;
                    case "kind":
                        field.Kind = text ?? string.Empty;
                        break;
                    case "scale":
                        field.Scale = Number(text, value, path, key, problems, field.Scale);
                        break;
                    case "offset":
                        field.Offset = Number(text, value, path, key, problems, field.Offset);
                        break;
                    case "required":
                        if (bool.TryParse(text, out var required))
                        {
                            field.Required = required;
                        }
                        else
                        {
                            problems.Add($"{path}:{value.Line}: required: '{text}' is not true or false");
                        }

                        break;
                    default:
                        problems.Add($"{path}:{value.Line}: unknown key '{key}' (known here: name, path, unit, scale, offset, kind, required)");
                        break;
                }
            }

            fields.Add(field);
        }
    }

    private static MqttTimestampOptions? BindTimestamp(YamlNode node, string path, List<string> problems)
    {
        if (node.Entries is not { } entries)
        {
            problems.Add($"{path}:{node.Line}: timestamp is a mapping (path, format, timeZone)");
            return null;
        }

        var timestamp = new MqttTimestampOptions();
        foreach (var (key, value) in entries)
        {
            var text = Scalar(value, path, key, problems) ?? string.Empty;
            switch (key.ToLowerInvariant())
            {
                case "path":
                    timestamp.Path = text;
                    break;
                case "format":
                    timestamp.Format = text;
                    break;
                case "timezone":
                    timestamp.TimeZone = text;
                    break;
                default:
                    problems.Add($"{path}:{value.Line}: unknown key '{key}' (known here: path, format, timeZone)");
                    break;
            }
        }

        return timestamp;
    }

    private static string? Scalar(YamlNode node, string path, string key, List<string> problems)
    {
        if (node.Items is not null || node.Entries is not null)
        {
            problems.Add($"{path}:{node.Line}: {key} is a single value");
            return null;
        }

        return node.Scalar;
    }

    private static double Number(string? text, YamlNode node, string path, string key, List<string> problems, double fallback)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add($"{path}:{node.Line}: {key}: '{text}' is not a number");
        return fallback;
    }
}
