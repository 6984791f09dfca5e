namespace Loos.Edge.Core;

/// <summary>
/// Counts recurring faults (bad MQTT payloads per topic, client faults of the write listener per kind) and decides
/// when one is worth a log line: the first of a key, then at most one per interval, carrying how many were seen since
/// the previous line, so that a flood of faults cannot flood the journal.
/// </summary>
/// <remarks>Keys must come from a bounded set (topics of the site's devices, kinds of fault): each holds a few numbers.</remarks>
public sealed class IntervalCounter(TimeSpan logInterval, TimeProvider timeProvider)
{
    private readonly Dictionary<string, KeyCount> keys = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Counts one fault of <paramref name="key"/>; true with how many since the last log when it should be logged now.</summary>
    public bool Count(string key, out long sinceLastLog)
    {
        lock (gate)
        {
            if (!keys.TryGetValue(key, out var count))
            {
                count = new KeyCount();
                keys[key] = count;
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

    /// <summary>Every key counted, with how many since the counter was made.</summary>
    public IReadOnlyDictionary<string, long> Totals
    {
        get
        {
            lock (gate)
            {
                return keys.ToDictionary(pair => pair.Key, pair => pair.Value.Total, StringComparer.Ordinal);
            }
        }
    }

    private sealed class KeyCount
    {
        public long Total { get; set; }

        public long SinceLastLog { get; set; }

        public DateTimeOffset? LastLogged { get; set; }
    }
}
