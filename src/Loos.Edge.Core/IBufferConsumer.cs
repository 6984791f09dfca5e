namespace Loos.Edge.Core;

/// <summary>The buffer seen from one consumer (one forwarding target): its own position, checkpointed on disk.</summary>
public interface IBufferConsumer
{
    /// <summary>
    /// Waits until readings are unsent, then returns up to <paramref name="maxReadings"/> of them in append
    /// order. It returns as soon as <paramref name="maxReadings"/> are available, or when the oldest available
    /// one has waited <paramref name="maxAge"/>. Reading again without <see cref="AcknowledgeAsync"/> returns
    /// the same readings again.
    /// </summary>
    ValueTask<BufferBatch> ReadAsync(int maxReadings, TimeSpan maxAge, CancellationToken cancellationToken);

    /// <summary>
    /// Reads ahead: as <see cref="ReadAsync"/>, but the readings after <paramref name="after"/>, the end of a batch read
    /// before and not acknowledged yet (from the acknowledged position when that is further). Lets a consumer prepare
    /// the next batch while the previous one is in flight; the position still moves only by <see cref="AcknowledgeAsync"/>.
    /// </summary>
    ValueTask<BufferBatch> ReadAfterAsync(BufferPosition after, int maxReadings, TimeSpan maxAge, CancellationToken cancellationToken);

    /// <summary>Moves the position past <paramref name="batch"/> and checkpoints it atomically on disk.</summary>
    ValueTask AcknowledgeAsync(BufferBatch batch, CancellationToken cancellationToken);
}

/// <summary>Readings handed to a consumer, with the position just past them.</summary>
/// <param name="Readings">The readings, their series ids valid in the process catalogue.</param>
/// <param name="End">The position to checkpoint once the readings are delivered.</param>
public sealed record BufferBatch(ReadOnlyMemory<Reading> Readings, BufferPosition End);

/// <summary>A place in the buffer: a segment number and a byte offset within it.</summary>
public readonly record struct BufferPosition(long Segment, long Offset) : IComparable<BufferPosition>
{
    public int CompareTo(BufferPosition other) =>
        Segment != other.Segment ? Segment.CompareTo(other.Segment) : Offset.CompareTo(other.Offset);

    public static bool operator <(BufferPosition left, BufferPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(BufferPosition left, BufferPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(BufferPosition left, BufferPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(BufferPosition left, BufferPosition right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Segment:D8}@{Offset}";
}

/// <summary>The buffer seen from the forwarding side: one named consumer per target.</summary>
public interface IReadingLog
{
    /// <summary>
    /// The consumer named <paramref name="name"/>, resuming at its checkpoint; a new name starts at the oldest
    /// reading still on disk. One instance per name.
    /// </summary>
    IBufferConsumer OpenConsumer(string name);
}
