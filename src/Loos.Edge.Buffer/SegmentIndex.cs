using Loos.Edge.Core;

namespace Loos.Edge.Buffer;

/// <summary>
/// What the buffer knows of its files, shared by the writer, the readers, retention and checkpoints: the segments
/// oldest first, the consumers, the bytes on disk and the evicted count, all under <see cref="Gate"/>.
/// </summary>
internal sealed class SegmentIndex(string directory)
{
    private TaskCompletionSource? dataSignal;
    private int damagedRegions;

    /// <summary>The buffer's folder, as a full path.</summary>
    public string Directory { get; } = directory;

    public Lock Gate { get; } = new();

    /// <summary>Oldest first; the last one is the active segment. Under <see cref="Gate"/>.</summary>
    public List<Segment> Segments { get; } = [];

    /// <summary>Every consumer that was ever opened, by name. Under <see cref="Gate"/>.</summary>
    public SortedDictionary<string, ConsumerState> Consumers { get; } = new(StringComparer.Ordinal);

    /// <summary>Durable bytes of all segments. Under <see cref="Gate"/>.</summary>
    public long BytesOnDisk { get; set; }

    /// <summary>Readings evicted before every consumer had them, since the buffer was created. Under <see cref="Gate"/>.</summary>
    public long EvictedTotal { get; set; }

    /// <summary>Readings committed since open. Under <see cref="Gate"/>.</summary>
    public long AppendedReadings { get; set; }

    /// <summary>Segment bytes committed since open. Under <see cref="Gate"/>.</summary>
    public long AppendedBytes { get; set; }

    /// <summary>Damaged records and state files found since open.</summary>
    public int DamagedRegions => Volatile.Read(ref damagedRegions);

    public void CountDamage() => Interlocked.Increment(ref damagedRegions);

    /// <summary>A task completed at the next commit; under <see cref="Gate"/>.</summary>
    public Task NextData()
    {
        dataSignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return dataSignal.Task;
    }

    /// <summary>Takes the signal of <see cref="NextData"/> under <see cref="Gate"/>, to be completed outside it.</summary>
    public TaskCompletionSource? TakeDataSignal()
    {
        var signal = dataSignal;
        dataSignal = null;
        return signal;
    }

    public long LastSegmentNumber()
    {
        lock (Gate)
        {
            return Segments[^1].Number;
        }
    }

    public List<ConsumerState> ConsumerStates()
    {
        lock (Gate)
        {
            return [.. Consumers.Values];
        }
    }

    /// <summary>Forgets the oldest segment, whose file is gone, and moves the consumers that were in it to the next; under <see cref="Gate"/>.</summary>
    public void RemoveOldest()
    {
        var oldest = Segments[0];
        Segments.RemoveAt(0);
        BytesOnDisk -= oldest.Size;
        foreach (var consumer in Consumers.Values)
        {
            if (consumer.Position.Segment <= oldest.Number)
            {
                consumer.Position = new BufferPosition(Segments[0].Number, SegmentFormat.HeaderBytes);
            }
        }
    }
}
