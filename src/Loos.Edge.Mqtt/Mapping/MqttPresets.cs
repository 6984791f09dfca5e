using Loos.Edge.Modules.SiteFiles;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>
/// Preset files: a subscription's defaults, in <c>&lt;presetDirectory&gt;/&lt;name&gt;.yaml</c>, written with the keys of a
/// subscription (all but <c>preset</c>) plus an optional <c>description</c>. A preset is read as the site file is read:
/// the same YAML reader, the same checks of every key, bound by the same generated code.
/// </summary>
internal static class MqttPresets
{
    /// <summary>What messages call a preset file, and what its top level holds.</summary>
    private static readonly SiteFileKind Kind = new("preset", "keys (topic:, measurement:, fields:, …)");

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
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
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

        SiteFile file;
        try
        {
            file = SiteFile.Parse(path, content, Kind);
        }
        catch (SiteFileException exception) when (exception.InnerException is YamlException yaml)
        {
            // A preset's problems are told at file:line, after the subscription's key, the reader's words unchanged.
            problems.Add($"{path}:{yaml.Start.Line}: {(yaml.InnerException ?? yaml).Message}");
            return null;
        }
        catch (SiteFileException exception)
        {
            problems.AddRange(exception.Problems.Count > 0 ? exception.Problems : [exception.Message]);
            return null;
        }

        if (!file.Configuration.GetChildren().Any())
        {
            problems.Add($"{path}: the preset is empty");
            return null;
        }

        var preset = new MqttMappingOptions();
        if (!SectionBinder.BindWhole(file, typeof(MqttMappingOptions), configuration => configuration.Bind(preset), problems))
        {
            return null;
        }

        if (preset.Preset is not null)
        {
            problems.Add($"{path}: a preset cannot name another preset (preset: {preset.Preset})");
            return null;
        }

        return preset;
    }
}
