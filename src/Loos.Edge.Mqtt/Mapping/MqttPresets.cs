using System.Diagnostics.CodeAnalysis;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

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

        MqttMappingOptions? preset;
        try
        {
            preset = Deserializer.Deserialize<MqttMappingOptions?>(text);
        }
        catch (YamlException exception)
        {
            problems.Add($"{path}:{exception.Start.Line}: {Describe(exception)}");
            return null;
        }

        if (preset is null)
        {
            problems.Add($"{path}: the preset is empty");
            return null;
        }

        if (preset.Preset is not null)
        {
            problems.Add($"{path}: a preset cannot name another preset (preset: {preset.Preset})");
            return null;
        }

        return preset;
    }

    private static readonly IDeserializer Deserializer = CreateDeserializer();

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "YamlDotNet's reflection fills our options classes and lists of them, which the release keeps whole (TrimmerRootAssembly in Loos.Edge.csproj); no code is made at run time for them.")]
    private static IDeserializer CreateDeserializer() => new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <summary>YamlDotNet's message, with an unknown key said in the site file's words rather than as a .NET type.</summary>
    private static string Describe(YamlException exception)
    {
        var message = exception.InnerException?.Message ?? exception.Message;
        const string Prefix = "Property '";
        if (message.StartsWith(Prefix, StringComparison.Ordinal) && message.IndexOf('\'', Prefix.Length) is var end and > 0)
        {
            var known = message.Contains(nameof(MqttFieldOptions), StringComparison.Ordinal) ? "name, path, unit, scale, offset, kind, required"
                : message.Contains(nameof(MqttTimestampOptions), StringComparison.Ordinal) ? "path, format, timeZone"
                : message.Contains(nameof(MqttCommandOptions), StringComparison.Ordinal) ? "topic, payload, field"
                : "description, topic, payload, measurement, field, unit, kind, precision, tags, fields, timestamp, command";
            return $"unknown key '{message[Prefix.Length..end]}' (known here: {known})";
        }

        return message;
    }
}
