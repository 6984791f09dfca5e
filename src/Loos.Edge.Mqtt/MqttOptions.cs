using Loos.Edge.Mqtt.Mapping;

namespace Loos.Edge.Mqtt;

/// <summary>The site file's <c>mqtt</c> section: the broker, the gateway's own status topic, and the subscriptions.</summary>
public sealed class MqttOptions
{
    /// <summary>The section's name in the site file.</summary>
    public const string SectionName = "mqtt";

    /// <summary>The broker's host name or address; the MQTT source is off when empty.</summary>
    public string? Host { get; set; }

    /// <summary>Where <c>preset:</c> names are looked up (<c>&lt;name&gt;.yaml</c>); default: <c>mqtt-presets/</c> beside the site file.</summary>
    public string? PresetDirectory { get; set; }

    /// <summary>The topic filters and how their messages become readings.</summary>
    public List<MqttMappingOptions> Subscriptions { get; init; } = [];

    /// <summary>Whether the section asks for an MQTT connection at all.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>Makes the section's file paths absolute with <paramref name="resolve"/> (relative to the site file).</summary>
    public void ResolvePaths(Func<string?, string?> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        PresetDirectory = resolve(string.IsNullOrEmpty(PresetDirectory) ? "mqtt-presets" : PresetDirectory);
    }
}
