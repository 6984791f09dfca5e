using System.Buffers;
using Loos.Edge.Core;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>
/// Turns MQTT messages into readings by the subscriptions' mappings, presets applied. A message goes to the first
/// subscription (in site-file order) whose filter matches its topic. Safe for one caller at a time.
/// </summary>
public sealed class MqttPayloadMapper
{
    private readonly CompiledMapping[] mappings;

    private MqttPayloadMapper(CompiledMapping[] mappings)
    {
        this.mappings = mappings;
        var filters = new string[mappings.Length];
        for (var i = 0; i < mappings.Length; i++)
        {
            filters[i] = mappings[i].Filter.Filter;
        }

        SubscriptionFilters = filters;
    }

    /// <summary>The topic filters to subscribe to, one per mapping, in site-file order (named levels as <c>+</c>).</summary>
    public IReadOnlyList<string> SubscriptionFilters { get; }

    /// <summary>Builds the mapper of <paramref name="mappings"/>; presets are looked up in <paramref name="presetDirectory"/>.</summary>
    /// <param name="mappings">The subscriptions, as bound from the site file.</param>
    /// <param name="presetDirectory">The absolute directory of the preset files; null when there is none.</param>
    /// <param name="catalog">Where the series of the readings are interned.</param>
    /// <exception cref="ArgumentException">A mapping is invalid; the message names it by its key path and lists every problem.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="mappings"/> or <paramref name="catalog"/> is null.</exception>
    public static MqttPayloadMapper Create(IReadOnlyList<MqttMappingOptions> mappings, string? presetDirectory, ISeriesCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(catalog);
        var problems = new ConfigurationProblems();
        var plans = MqttMappingPlanner.Plan(mappings, presetDirectory, problems);
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                $"Invalid MQTT subscription mapping:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}",
                nameof(mappings));
        }

        var compiled = new CompiledMapping[plans.Count];
        for (var i = 0; i < plans.Count; i++)
        {
            compiled[i] = new CompiledMapping(plans[i], catalog);
        }

        return new MqttPayloadMapper(compiled);
    }

    /// <summary>
    /// Appends the readings of one message to <paramref name="readings"/>. A payload that does not match its mapping
    /// (or a topic that matches no mapping) returns false with the <paramref name="problem"/> and appends nothing. A
    /// JSON message with none of the mapping's fields returns true and appends nothing.
    /// </summary>
    /// <param name="topic">The topic name the message was published to.</param>
    /// <param name="payload">The payload, as received.</param>
    /// <param name="receivedAt">When the message arrived: the timestamp of readings whose payload has none.</param>
    /// <param name="readings">Where the readings are appended.</param>
    /// <param name="problem">Why the message was not mapped, quoting the offending part; null on success.</param>
    /// <exception cref="ArgumentNullException"><paramref name="topic"/> or <paramref name="readings"/> is null.</exception>
    public bool TryMap(string topic, ReadOnlySequence<byte> payload, DateTimeOffset receivedAt, List<Reading> readings, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(readings);
        foreach (var mapping in mappings)
        {
            if (mapping.Filter.Matches(topic))
            {
                var first = readings.Count;
                if (mapping.TryMap(topic, payload, receivedAt, readings, out problem))
                {
                    return true;
                }

                // Each payload kind appends only once the whole message is read; this keeps the promise regardless.
                readings.RemoveRange(first, readings.Count - first);
                return false;
            }
        }

        problem = $"no subscription matches topic '{topic}'";
        return false;
    }
}
