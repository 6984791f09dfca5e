using System.Buffers;
using Loos.Edge.Core;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>Turns MQTT messages into readings by the subscriptions' mappings. Safe for one caller at a time.</summary>
public sealed class MqttPayloadMapper
{
    private MqttPayloadMapper(IReadOnlyList<string> filters)
    {
        SubscriptionFilters = filters;
    }

    /// <summary>The topic filters to subscribe to, one per mapping.</summary>
    public IReadOnlyList<string> SubscriptionFilters { get; }

    /// <summary>Builds the mapper of <paramref name="mappings"/>; presets are looked up in <paramref name="presetDirectory"/>.</summary>
    /// <exception cref="ArgumentException">A mapping is invalid; the message names it.</exception>
    public static MqttPayloadMapper Create(IReadOnlyList<MqttMappingOptions> mappings, string? presetDirectory, ISeriesCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(catalog);
        _ = presetDirectory;
        return new MqttPayloadMapper([.. mappings.Select(m => m.Topic)]);
    }

    /// <summary>
    /// Appends the readings of one message to <paramref name="readings"/>. A payload that does not match its mapping
    /// (or a topic that matches no mapping) returns false with the <paramref name="problem"/> and appends nothing.
    /// </summary>
    public bool TryMap(string topic, ReadOnlySequence<byte> payload, DateTimeOffset receivedAt, List<Reading> readings, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(readings);
        _ = SubscriptionFilters;
        _ = topic;
        _ = payload;
        _ = receivedAt;
        throw new NotImplementedException("The payload mapping is not written yet.");
    }
}
