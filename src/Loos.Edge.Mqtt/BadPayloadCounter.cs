namespace Loos.Edge.Mqtt;

/// <summary>
/// Counts the payloads that do not match their mapping, per topic, and decides when one is worth a log line: the
/// first of a topic, then at most one per interval, carrying how many were seen since the previous line.
/// </summary>
internal sealed class BadPayloadCounter(TimeSpan logInterval, TimeProvider timeProvider)
{
    // Topics are those of the site's devices, a bounded set; a topic holds a few numbers here.
    private readonly Dictionary<string, TopicCount> topics = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Counts one bad payload of <paramref name="topic"/>; true with how many since the last log when it should be logged now.</summary>
    public bool Count(string topic, out long sinceLastLog)
    {
        lock (gate)
        {
            if (!topics.TryGetValue(topic, out var count))
            {
                count = new TopicCount();
                topics[topic] = count;
            }

            count.Total++;
            count.SinceLastLog++;
            var now = timeProvider.GetUtcNow();
            if (count.LastLogged is { } last && now - last < logInterval)
            {
                sinceLastLog = 0;
                return false;
            }

            sinceLastLog = count.SinceLastLog;
            count.SinceLastLog = 0;
            count.LastLogged = now;
            return true;
        }
    }

    /// <summary>Every topic that sent a bad payload, with how many since the gateway started.</summary>
    public IReadOnlyDictionary<string, long> Totals
    {
        get
        {
            lock (gate)
            {
                return topics.ToDictionary(pair => pair.Key, pair => pair.Value.Total, StringComparer.Ordinal);
            }
        }
    }

    private sealed class TopicCount
    {
        public long Total { get; set; }

        public long SinceLastLog { get; set; }

        public DateTimeOffset? LastLogged { get; set; }
    }
}
