using Loos.Edge.Core;

namespace Loos.Edge.Buffer;

/// <summary>A record to read for a batch: its bounds, the readings to skip (already acknowledged) and to take.</summary>
internal readonly record struct PlannedRead(Segment Segment, long Start, long End, int Skip, int Take);

/// <summary>What the buffer knows of one consumer, whether or not it was opened in this process.</summary>
internal sealed class ConsumerState(string name, BufferPosition position)
{
    public string Name { get; } = name;

    /// <summary>The acknowledged position; under the buffer's lock.</summary>
    public BufferPosition Position { get; set; } = position;

    public long EvictedReadings { get; set; }

    public Lock CheckpointGate { get; } = new();

    /// <summary>The position last written to its checkpoint file, and when (<see cref="TimeProvider.GetTimestamp"/>); under <see cref="CheckpointGate"/>.</summary>
    public BufferPosition? WrittenPosition { get; set; }

    public long WrittenTimestamp { get; set; }

    public List<PlannedRead> Plan { get; } = [];

    /// <summary>
    /// The records of each batch read and not yet acknowledged, oldest first (a reader reading ahead holds several);
    /// under the buffer's lock. A batch acknowledged after its segment was evicted is taken off the evicted count.
    /// </summary>
    public List<(BufferPosition End, PlannedRead[] Reads)> Unacknowledged { get; } = [];

    /// <summary>Remembers a batch read from <paramref name="start"/>; batches read earlier beyond that start were dropped by the reader.</summary>
    public void RememberRead(BufferPosition start, BufferPosition end, List<PlannedRead> reads)
    {
        Unacknowledged.RemoveAll(batch => batch.End > start);
        Unacknowledged.Add((end, [.. reads]));
    }

    public BufferConsumer? Instance { get; set; }
}

/// <summary>One named consumer of the buffer; one instance per name, to be used by one reader at a time.</summary>
internal sealed class BufferConsumer(SegmentedLog log, ConsumerState state) : IBufferConsumer
{
    /// <remarks>
    /// Batches hold whole readings and stop exactly at <paramref name="maxReadings"/>; they may span segments. A batch
    /// may hold fewer readings than its span when a record was found damaged while reading (logged and counted).
    /// </remarks>
    public ValueTask<BufferBatch> ReadAsync(int maxReadings, TimeSpan maxAge, CancellationToken cancellationToken) =>
        log.ReadAsync(state, after: null, maxReadings, maxAge, cancellationToken);

    public ValueTask<BufferBatch> ReadAfterAsync(BufferPosition after, int maxReadings, TimeSpan maxAge, CancellationToken cancellationToken) =>
        log.ReadAsync(state, after, maxReadings, maxAge, cancellationToken);

    public ValueTask AcknowledgeAsync(BufferBatch batch, CancellationToken cancellationToken) =>
        log.AcknowledgeAsync(state, batch, cancellationToken);
}
