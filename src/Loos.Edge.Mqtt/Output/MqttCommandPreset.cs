using Loos.Edge.Mqtt.Mapping;

namespace Loos.Edge.Mqtt.Output;

/// <summary>What an output needs of a preset: where its devices take commands, and the measurement their status is read into.</summary>
/// <param name="Command">The command topic, payload and the status field that reports the value back.</param>
/// <param name="Measurement">The measurement of the preset's status readings.</param>
public sealed record MqttCommandPreset(MqttCommandOptions Command, string Measurement)
{
    /// <summary>Reads preset <paramref name="name"/> from <paramref name="presetDirectory"/>; null with the problems when it is missing, malformed or has no command.</summary>
    public static MqttCommandPreset? TryLoad(string? presetDirectory, string name, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var preset = MqttPresets.TryLoad(presetDirectory, name, problems);
        if (preset is null)
        {
            return null;
        }

        if (preset.Command is not { Topic.Length: > 0, Payload.Length: > 0, Field.Length: > 0 } command || !command.Payload.Contains("{value}", StringComparison.Ordinal))
        {
            problems.Add($"preset '{name}' has no command (command: topic, payload with {{value}}, field)");
            return null;
        }

        if (preset.Measurement is not { Length: > 0 } measurement)
        {
            problems.Add($"preset '{name}' has no measurement for its status");
            return null;
        }

        return new MqttCommandPreset(command, measurement);
    }
}
