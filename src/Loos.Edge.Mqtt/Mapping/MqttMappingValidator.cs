using Loos.Edge.Core;

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
