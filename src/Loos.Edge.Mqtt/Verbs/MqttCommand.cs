using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Mqtt;

/// <summary>
/// <c>loos-edge mqtt tail</c>: watch a topic and see how the site file maps its messages. Exit codes: 0 done (stopped
/// by Ctrl-C or after N messages), 1 the broker cannot be reached or dropped the connection, 2 bad arguments or an
/// invalid site file.
/// </summary>
public static class MqttCommand
{
    /// <summary>The <c>mqtt</c> command with its <c>tail</c> subcommand.</summary>
    public static Command Create(IVerbContext context) => new("mqtt", "MQTT tools: watch a topic and see how the site file maps its messages.") { new MqttTailVerb(context).Command };
}
