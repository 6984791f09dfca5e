using Loos.Edge.Core;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>
/// The series of one subscription's messages per topic: the subscription's tags with those taken from the topic's
/// levels, interned once per topic and cached, so that a steady stream of messages builds no key. Safe for one caller
/// at a time.
/// </summary>
internal sealed class TopicSeries(MappingPlan plan, ISeriesCatalog catalog)
{
    // Bounds the caches when devices keep appearing under a wildcard; the catalogue keeps every id, so clearing only
    // costs building the keys again. 4 096 topics × a dozen fields is well under a megabyte.
    internal const int MaxCachedTopics = 4096;

    private readonly Dictionary<string, SeriesId[]> seriesByTopic = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, SeriesId Series), SeriesId> lineSeriesByTopic = [];

    /// <summary>The series of each of the plan's fields for <paramref name="topic"/>; null with the problem when a topic level that gives a tag is empty.</summary>
    public SeriesId[]? SeriesFor(string topic, out string? problem)
    {
        problem = null;
        if (seriesByTopic.TryGetValue(topic, out var series))
        {
            return series;
        }

        if (TagsFor(topic, out problem) is not { } tags)
        {
            return null;
        }

        var fields = plan.Fields;
        series = new SeriesId[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            series[i] = catalog.Intern(new SeriesKey(plan.Measurement, tags, fields[i].Name, fields[i].Unit, fields[i].Kind));
        }

        if (seriesByTopic.Count >= MaxCachedTopics)
        {
            seriesByTopic.Clear();
        }

        seriesByTopic[topic] = series;
        return series;
    }

    /// <summary>
    /// Gives the readings of line-protocol lines received on <paramref name="topic"/> the subscription's tags (which
    /// win over a line's own tag of the same key); false with the problem when a topic level that gives a tag is empty.
    /// </summary>
    public bool TryTag(string topic, Span<Reading> readings, out string? problem)
    {
        foreach (ref var reading in readings)
        {
            if (!lineSeriesByTopic.TryGetValue((topic, reading.Series), out var tagged))
            {
                if (TagsFor(topic, out problem) is not { } tags)
                {
                    return false;
                }

                tagged = catalog.Intern(WithTags(catalog[reading.Series], tags));
                if (lineSeriesByTopic.Count >= MaxCachedTopics)
                {
                    lineSeriesByTopic.Clear();
                }

                lineSeriesByTopic[(topic, reading.Series)] = tagged;
            }

            reading = reading with { Series = tagged };
        }

        problem = null;
        return true;
    }

    private static SeriesKey WithTags(SeriesKey key, List<Tag> tags)
    {
        var merged = new List<Tag>(tags);
        foreach (var tag in key.Tags)
        {
            if (!tags.Exists(t => t.Key == tag.Key))
            {
                merged.Add(tag);
            }
        }

        return new SeriesKey(key.Measurement, merged, key.Field, key.Unit, key.Kind);
    }

    private List<Tag>? TagsFor(string topic, out string? problem)
    {
        var tags = new List<Tag>(plan.Tags);
        foreach (var topicTag in plan.Filter.Tags)
        {
            var value = MqttTopicFilter.LevelOf(topic, topicTag.Level);
            if (value.IsEmpty)
            {
                problem = $"topic '{topic}': level {topicTag.Level} is empty, so tag '{topicTag.Tag}' has no value";
                return null;
            }

            tags.Add(new Tag(topicTag.Tag, value.ToString()));
        }

        problem = null;
        return tags;
    }
}
