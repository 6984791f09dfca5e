using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Buffer;

/// <summary>
/// The append-only segmented log: the buffer's public face, delegating each job to one part — the start-up scan
/// (<see cref="SegmentRecovery"/>), commits (<see cref="SegmentWriter"/>), the cap and deletion of delivered segments
/// (<see cref="SegmentRetention"/>), reads (<see cref="ReadPlanner"/>) and checkpoints (<see cref="Checkpoints"/>),
/// over one shared <see cref="SegmentIndex"/>. Consumers read the index under its lock and the files without it.
/// </summary>
internal sealed class SegmentedLog : IDurableBuffer
{
    /// <summary>
    /// Readings per record at most (about 10 KiB): a record is read whole, so this bounds what one read costs, and what
    /// a damaged record loses.
    /// </summary>
    internal const int MaxRecordReadings = 512;

    private const string LockFileName = "buffer.lock";

    private readonly BufferOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly SegmentIndex index;
    private readonly Checkpoints checkpoints;
    private readonly SegmentRetention retention;
    private readonly ReadPlanner reads;
    private readonly SegmentWriter writer;
    private readonly FileStream directoryLock;
    private RunState.Previous previousRun;
    private int disposed;

    private SegmentedLog(BufferOptions options, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger logger)
    {
        this.options = options;
        this.timeProvider = timeProvider;
        this.logger = logger;
        var directory = Path.GetFullPath(options.Directory);
        DurableFile.CreatePrivateDirectory(directory);
        try
        {
            // Two processes appending to one buffer would corrupt it; the lock is released when the process ends.
            directoryLock = new FileStream(Path.Combine(directory, LockFileName), PrivateFileOptions(FileMode.OpenOrCreate));
        }
        catch (IOException exception)
        {
            throw new IOException($"The buffer in '{directory}' is in use by another process.", exception);
        }

        index = new SegmentIndex(directory);
        checkpoints = new Checkpoints(index, options.CheckpointInterval, timeProvider, logger);
        retention = new SegmentRetention(index, options, logger);
        reads = new ReadPlanner(index, logger);
        writer = new SegmentWriter(options, index, retention, checkpoints, catalog, timeProvider, logger);
    }

    /// <summary>Commit fsyncs since open (not counting those that create a segment): shows appends sharing one.</summary>
    internal long CommitFsyncs => writer.CommitFsyncs;

    /// <summary>Runs before each write of the writer loop; tests make it throw to stand for a failing disk.</summary>
    internal Action? WriteFault
    {
        get => writer.WriteFault;
        set => writer.WriteFault = value;
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> RecoveredDeliveryNotes { get; private set; } = [];

    public IEnumerable<LoopProgress> Loops => [writer.Progress];

    public static SegmentedLog Open(BufferOptions options, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger logger)
    {
        var log = new SegmentedLog(options, catalog, timeProvider, logger);
        try
        {
            log.Recover(catalog);
        }
        catch
        {
            log.writer.Dispose();
            log.directoryLock.Dispose();
            throw;
        }

        log.writer.Start();
        return log;
    }

    /// <remarks>
    /// The readings are serialised from <paramref name="readings"/> by the writer loop: the caller must not change them
    /// until the task completes. Cancellation is observed only before the append is queued; once queued it may already
    /// be on disk, so it completes normally.
    /// </remarks>
    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) =>
        AppendAsync(readings, ReadOnlyMemory<byte>.Empty, AppendDurability.Synced, cancellationToken);

    /// <inheritdoc cref="AppendAsync(ReadOnlyMemory{Reading}, CancellationToken)"/>
    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, AppendDurability durability, CancellationToken cancellationToken = default) =>
        AppendAsync(readings, ReadOnlyMemory<byte>.Empty, durability, cancellationToken);

    /// <inheritdoc cref="AppendAsync(ReadOnlyMemory{Reading}, ReadOnlyMemory{byte}, AppendDurability, CancellationToken)"/>
    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, CancellationToken cancellationToken = default) =>
        AppendAsync(readings, deliveryNote, AppendDurability.Synced, cancellationToken);

    /// <remarks>
    /// The note is written as a record just before the append's records, in the same write and fsync; recovery takes it
    /// back only when all of them follow intact. Neither <paramref name="readings"/> nor <paramref name="deliveryNote"/>
    /// may change until the task completes.
    /// </remarks>
    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, AppendDurability durability, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        return readings.IsEmpty ? default : writer.Enqueue(readings, deliveryNote, durability);
    }

    public IBufferConsumer OpenConsumer(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        ConsumerState state;
        lock (index.Gate)
        {
            if (index.Consumers.TryGetValue(name, out var existing))
            {
                return existing.Instance ??= new BufferConsumer(this, existing);
            }

            state = new ConsumerState(name, new BufferPosition(index.Segments[0].Number, SegmentFormat.HeaderBytes));
            state.Instance = new BufferConsumer(this, state);
            index.Consumers.Add(name, state);
        }

        // Persisted at once: a consumer that exists on disk holds back the deletion of what it has not acknowledged.
        try
        {
            checkpoints.Write(state);
        }
        catch
        {
            lock (index.Gate)
            {
                index.Consumers.Remove(name);
            }

            throw;
        }

        return state.Instance;
    }

    public BufferStatistics GetStatistics()
    {
        lock (index.Gate)
        {
            var list = new List<ConsumerStatistics>(index.Consumers.Count);
            foreach (var consumer in index.Consumers.Values)
            {
                list.Add(BufferStatisticsCalculator.Compute(index.Segments, consumer.Name, consumer.Position));
            }

            return new BufferStatistics(list, index.BytesOnDisk, index.Segments.Count, options.CapBytes, index.EvictedTotal, index.DamagedRegions, writer.AppendError ?? checkpoints.Error, index.AppendedReadings, index.AppendedBytes, previousRun.PossibleLossAfter, previousRun.PossibleLossStops);
        }
    }

    public long GetEvictedReadings(string consumerName)
    {
        lock (index.Gate)
        {
            return index.Consumers.TryGetValue(consumerName, out var consumer) ? consumer.EvictedReadings : 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await writer.CompleteAsync().ConfigureAwait(false);
        checkpoints.WriteAcknowledged();
        try
        {
            RunState.Stopped(index.Directory, options, previousRun.PossibleLossStops);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.StopNotMarked(logger, index.Directory, exception);
        }

        TaskCompletionSource? signal;
        lock (index.Gate)
        {
            signal = index.TakeDataSignal();
        }

        signal?.TrySetResult();
        writer.Dispose();
        await directoryLock.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The next readings of <paramref name="consumer"/>: from its position, or from <paramref name="after"/> when that is further (reading ahead).</summary>
    internal async ValueTask<BufferBatch> ReadAsync(ConsumerState consumer, BufferPosition? after, int maxReadings, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxReadings);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero);
        var plan = consumer.Plan;
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
            cancellationToken.ThrowIfCancellationRequested();
            Task signal;
            TimeSpan wait;
            BufferPosition from;
            lock (index.Gate)
            {
                from = after is { } ahead && ahead > consumer.Position ? ahead : consumer.Position;
                var planned = reads.Plan(from, maxReadings, plan, out var firstCommittedTicks);
                var now = timeProvider.GetUtcNow().UtcTicks;
                var dueTicks = planned == 0 ? long.MaxValue : firstCommittedTicks + Math.Min(maxAge.Ticks, long.MaxValue - firstCommittedTicks);
                if (planned > 0 && (planned >= maxReadings || now >= dueTicks))
                {
                    wait = TimeSpan.Zero;
                    signal = Task.CompletedTask;
                }
                else
                {
                    signal = index.NextData();
                    // At most a day per wait (timers take at most about 49 days); the loop re-plans after it.
                    wait = planned == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Min(dueTicks - now, TimeSpan.TicksPerDay));
                }
            }

            if (wait == TimeSpan.Zero)
            {
                if (reads.Read(plan) is { } batch)
                {
                    lock (index.Gate)
                    {
                        consumer.RememberRead(from, batch.End, plan);
                    }

                    return batch;
                }

                // A segment was evicted between planning and reading: plan again from the moved position.
                continue;
            }

            try
            {
                await (wait == Timeout.InfiniteTimeSpan
                    ? signal.WaitAsync(cancellationToken)
                    : signal.WaitAsync(wait, timeProvider, cancellationToken)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The oldest available reading has waited maxAge: the next pass returns what there is.
            }
        }
    }

    internal ValueTask AcknowledgeAsync(ConsumerState consumer, BufferBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        lock (index.Gate)
        {
            retention.ForgiveEvictedButDelivered(consumer, batch.End);
            if (batch.End <= consumer.Position)
            {
                return default;
            }

            var tail = new BufferPosition(index.Segments[^1].Number, index.Segments[^1].Size);
            if (batch.End > tail)
            {
                throw new ArgumentException($"The batch ends at {batch.End}, after the end of the buffer ({tail}); it does not come from this buffer.", nameof(batch));
            }

            consumer.Position = batch.End;
        }

        // A checkpoint that cannot be written (full or read-only disk) is not the target's failure: the batch is
        // delivered. The position holds in memory and is written with the next one; a crash meanwhile only sends
        // delivered readings again. Delivered segments go all the same: on a full disk that frees the space needed.
        checkpoints.TryWriteAcknowledged(consumer);
        lock (index.Gate)
        {
            retention.DeleteAcknowledgedSegments();
        }

        return default;
    }

    /// <summary>Scans the directory, then starts a new active segment: never append after what may be damage.</summary>
    private void Recover(ISeriesCatalog catalog)
    {
        var recovered = SegmentRecovery.Scan(index, catalog, timeProvider.GetUtcNow().UtcTicks, logger);
        RecoveredDeliveryNotes = recovered.DeliveryNotes;
        previousRun = RunState.Open(index, options, logger);
        writer.CreateActiveSegment(index.Segments.Count == 0 ? 1 : index.Segments[^1].Number + 1);
        lock (index.Gate)
        {
            SegmentRecovery.NormalizePositions(index);
            retention.DeleteAcknowledgedSegments();
        }

        Log.Opened(logger, index.Directory, index.Segments.Count, recovered.Readings, index.DamagedRegions);
    }

    private static FileStreamOptions PrivateFileOptions(FileMode mode)
    {
        var file = new FileStreamOptions { Mode = mode, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = DurableFile.PrivateFileMode;
        }

        return file;
    }
}
