namespace Loos.Edge.Mqtt.Mapping;

/// <summary>How the messages of one topic filter become readings (site file: <c>mqtt:subscriptions[]</c>).</summary>
public sealed class MqttMappingOptions
{
    /// <summary>The topic filter, with <c>+</c> and <c>#</c> wildcards.</summary>
    public string Topic { get; set; } = string.Empty;
}
