using System.Buffers;
using System.Text;
using Loos.Edge.Core;
using Loos.Edge.Mqtt.Mapping;
using Loos.Edge.Testing;

namespace Loos.Edge.Mqtt.Tests.Mapping;

/// <summary>A mapper over a fresh catalogue, and the readings of one message as a user would read them in InfluxDB.</summary>
internal sealed class MappingHarness
{
    public static readonly DateTimeOffset ReceivedAt = new(2026, 1, 15, 8, 30, 0, TimeSpan.Zero);

    public MappingHarness(params MqttMappingOptions[] subscriptions)
    {
        Mapper = MqttPayloadMapper.Create(subscriptions, PresetDirectory, Catalog);
    }

    public static string PresetDirectory => Path.Combine(RepositoryPaths.Root, "firmware-config", "mqtt-presets");

    public SeriesCatalog Catalog { get; } = new();

    public MqttPayloadMapper Mapper { get; }

    public List<Reading> Readings { get; } = [];

    /// <summary>Maps one message; asserts that it maps and returns its points.</summary>
    public Dictionary<string, Point> Map(string topic, string payload, bool segmented = false)
    {
        var ok = Mapper.TryMap(topic, Sequence(payload, segmented), ReceivedAt, Readings, out var problem);
        Assert.True(ok, problem);
        Assert.Null(problem);
        var points = new Dictionary<string, Point>();
        foreach (var reading in Readings)
        {
            var key = Catalog[reading.Series];
            points.Add(key.Field, new Point(key, reading.Value, reading.Timestamp, reading.Quality));
        }

        Readings.Clear();
        return points;
    }

    /// <summary>Maps one message that must be rejected; asserts that nothing was appended and returns the problem.</summary>
    public string Reject(string topic, string payload, bool segmented = false)
    {
        Readings.Add(new Reading(new SeriesId(999), ReceivedAt, 42));
        var ok = Mapper.TryMap(topic, Sequence(payload, segmented), ReceivedAt, Readings, out var problem);
        Assert.False(ok);
        Assert.NotNull(problem);
        Assert.Single(Readings);
        Readings.Clear();
        return problem;
    }

    /// <summary>The payload as one segment, or split into one segment per byte as a network buffer may deliver it.</summary>
    public static ReadOnlySequence<byte> Sequence(string payload, bool segmented)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        if (!segmented || bytes.Length < 2)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    public sealed record Point(SeriesKey Key, double Value, DateTimeOffset Timestamp, Quality Quality)
    {
        public string? Tag(string key) => Key.GetTag(key);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
