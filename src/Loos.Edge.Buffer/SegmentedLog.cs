using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Loos.Edge.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Loos.Edge.Buffer;

/// <summary>
/// The append-only segmented log. One writer loop owns the active segment: it drains every queued append, writes
/// them, fsyncs once and completes them all (group commit). Consumers read the index under <see cref="gate"/> and
/// the files without it.
/// </summary>
internal sealed class SegmentedLog : IDurableBuffer
{
    /// <summary>
    /// Readings per record at most (about 10 KiB): a record is read whole, so this bounds what one read costs, and what
    /// a damaged record loses.
    /// </summary>
    internal const int MaxRecordReadings = 512;

    /// <summary>Queued readings that end the commit window early: about 86 KiB, a write that gains nothing by waiting.</summary>
    private const long EarlyCommitReadings = 4096;

    private const string LockFileName = "buffer.lock";

    private readonly BufferOptions options;
    private readonly string directory;
    private readonly ISeriesCatalog catalog;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly List<Segment> segments = [];
    private readonly SortedDictionary<string, ConsumerState> consumers = new(StringComparer.Ordinal);
    private readonly Channel<AppendRequest> queue = Channel.CreateUnbounded<AppendRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<AppendRequest> pool = new();
    private readonly Action<AppendRequest> returnRequest;
    private readonly CommitWindow window;
    private readonly FileStream directoryLock;
    private readonly List<AppendRequest> group = [];
    private readonly List<PendingRecord> pending = [];
    private Task writer = Task.CompletedTask;

    // Owned by the writer loop.
    private SafeFileHandle? active;
    private long activeWritten;
    private bool[] defined = new bool[256];
    private int[] estimated = new int[256];
    private int estimateGeneration;
    private byte[] buffer = new byte[64 * 1024];
    private int buffered;
    private int openRecord = -1;
    private int openRecordReadings;
    private long openRecordFirstTicks;
    private bool rollBeforeWrite;
    private readonly List<int> definedNotWritten = [];

    // Under gate.
    private long bytesOnDisk;
    private long evictedTotal;
    private TaskCompletionSource? dataSignal;
    private string? appendError;
    private string? checkpointError;

    private long queuedReadings;
    private long commitFsyncs;
    private int damagedRegions;
    private int disposed;

    private SegmentedLog(BufferOptions options, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger logger)
    {
        this.options = options;
        this.catalog = catalog;
        this.timeProvider = timeProvider;
        this.logger = logger;
        directory = Path.GetFullPath(options.Directory);
        returnRequest = pool.Enqueue;
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

        window = new CommitWindow(timeProvider);
    }

    /// <summary>Commit fsyncs since open (not counting those that create a segment): shows appends sharing one.</summary>
    internal long CommitFsyncs => Interlocked.Read(ref commitFsyncs);

    /// <summary>Runs before each write of the writer loop; tests make it throw to stand for a failing disk.</summary>
    internal Action? WriteFault { get; set; }

    public IReadOnlyList<ReadOnlyMemory<byte>> RecoveredDeliveryNotes { get; private set; } = [];

    public static SegmentedLog Open(BufferOptions options, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger logger)
    {
        var log = new SegmentedLog(options, catalog, timeProvider, logger);
        try
        {
            log.Recover();
        }
        catch
        {
            log.active?.Dispose();
            log.window.Dispose();
            log.directoryLock.Dispose();
            throw;
        }

        log.writer = Task.Run(log.WriteLoopAsync);
        return log;
    }

    /// <remarks>
    /// The readings are serialised from <paramref name="readings"/> by the writer loop: the caller must not change them
    /// until the task completes. Cancellation is observed only before the append is queued; once queued it may already
    /// be on disk, so it completes normally.
    /// </remarks>
    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) =>
        AppendAsync(readings, ReadOnlyMemory<byte>.Empty, cancellationToken);

    /// <remarks>
    /// The note is written as a record just before the append's records, in the same write and fsync; recovery takes it
    /// back only when all of them follow intact. Neither <paramref name="readings"/> nor <paramref name="deliveryNote"/>
    /// may change until the task completes.
    /// </remarks>
    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (readings.IsEmpty)
        {
            return default;
        }

        if (!pool.TryDequeue(out var request))
        {
            request = new AppendRequest(returnRequest);
        }

        request.Readings = readings;
        request.DeliveryNote = deliveryNote;
        var version = request.Version;
        var queued = Interlocked.Add(ref queuedReadings, readings.Length);
        if (!queue.Writer.TryWrite(request))
        {
            Interlocked.Add(ref queuedReadings, -readings.Length);
            request.Readings = default;
            request.DeliveryNote = default;
            pool.Enqueue(request);
            throw new ObjectDisposedException(nameof(SegmentedLog), "The buffer is closed.");
        }

        if (queued >= EarlyCommitReadings)
        {
            window.Fire();
        }

        return new ValueTask(request, version);
    }

    public IBufferConsumer OpenConsumer(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        ConsumerState state;
        lock (gate)
        {
            if (consumers.TryGetValue(name, out var existing))
            {
                return existing.Instance ??= new BufferConsumer(this, existing);
            }

            state = new ConsumerState(name, new BufferPosition(segments[0].Number, SegmentFormat.HeaderBytes));
            state.Instance = new BufferConsumer(this, state);
            consumers.Add(name, state);
        }

        // Persisted at once: a consumer that exists on disk holds back the deletion of what it has not acknowledged.
        try
        {
            WriteCheckpoint(state);
        }
        catch
        {
            lock (gate)
            {
                consumers.Remove(name);
            }

            throw;
        }

        return state.Instance;
    }

    public BufferStatistics GetStatistics()
    {
        lock (gate)
        {
            var list = new List<ConsumerStatistics>(consumers.Count);
            foreach (var consumer in consumers.Values)
            {
                list.Add(BufferStatisticsCalculator.Compute(segments, consumer.Name, consumer.Position));
            }

            return new BufferStatistics(list, bytesOnDisk, segments.Count, options.CapBytes, evictedTotal, Volatile.Read(ref damagedRegions), appendError ?? checkpointError);
        }
    }

    public long GetEvictedReadings(string consumerName)
    {
        lock (gate)
        {
            return consumers.TryGetValue(consumerName, out var consumer) ? consumer.EvictedReadings : 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        queue.Writer.TryComplete();
        window.Fire();
        await writer.ConfigureAwait(false);
        TaskCompletionSource? signal;
        lock (gate)
        {
            signal = dataSignal;
            dataSignal = null;
        }

        signal?.TrySetResult();
        active?.Dispose();
        window.Dispose();
        await directoryLock.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal async ValueTask<BufferBatch> ReadAsync(ConsumerState consumer, int maxReadings, TimeSpan maxAge, CancellationToken cancellationToken)
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
            lock (gate)
            {
                var planned = PlanRead(consumer, maxReadings, plan, out var firstCommittedTicks);
                var now = timeProvider.GetUtcNow().UtcTicks;
                var dueTicks = planned == 0 ? long.MaxValue : firstCommittedTicks + Math.Min(maxAge.Ticks, long.MaxValue - firstCommittedTicks);
                if (planned > 0 && (planned >= maxReadings || now >= dueTicks))
                {
                    wait = TimeSpan.Zero;
                    signal = Task.CompletedTask;
                }
                else
                {
                    dataSignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    signal = dataSignal.Task;
                    // At most a day per wait (timers take at most about 49 days); the loop re-plans after it.
                    wait = planned == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Min(dueTicks - now, TimeSpan.TicksPerDay));
                }
            }

            if (wait == TimeSpan.Zero)
            {
                if (ReadPlanned(plan) is { } batch)
                {
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

        lock (gate)
        {
            ForgiveEvictedButDelivered(consumer);
            if (batch.End <= consumer.Position)
            {
                return default;
            }

            var tail = new BufferPosition(segments[^1].Number, segments[^1].Size);
            if (batch.End > tail)
            {
                throw new ArgumentException($"The batch ends at {batch.End}, after the end of the buffer ({tail}); it does not come from this buffer.", nameof(batch));
            }

            consumer.Position = batch.End;
        }

        // A checkpoint that cannot be written (full or read-only disk) is not the target's failure: the batch is
        // delivered. The position holds in memory and is written with the next one; a crash meanwhile only sends
        // delivered readings again. Delivered segments go all the same: on a full disk that frees the space needed.
        TryWriteCheckpoint(consumer);
        lock (gate)
        {
            DeleteAcknowledgedSegments();
        }

        return default;
    }

    private bool TryWriteCheckpoint(ConsumerState consumer)
    {
        try
        {
            WriteCheckpoint(consumer);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            string? before;
            lock (gate)
            {
                before = checkpointError;
                checkpointError = $"cannot write the checkpoint of '{consumer.Name}' in '{directory}': {exception.Message}";
            }

            if (before is null)
            {
                Log.CheckpointFailed(logger, consumer.Name, exception);
            }

            return false;
        }

        bool recovered;
        lock (gate)
        {
            recovered = checkpointError is not null;
            checkpointError = null;
        }

        if (recovered)
        {
            // Others may have failed meanwhile too: write them all now that the disk takes writes again.
            foreach (var other in ConsumerStates())
            {
                if (!ReferenceEquals(other, consumer) && !TryWriteCheckpoint(other))
                {
                    return false;
                }
            }

            Log.CheckpointsWrittenAgain(logger, directory);
        }

        return true;
    }

    private List<ConsumerState> ConsumerStates()
    {
        lock (gate)
        {
            return [.. consumers.Values];
        }
    }

    /// <summary>
    /// A batch read before its segment was evicted was counted as evicted, yet the target just acknowledged it:
    /// take it off the count, so that the evicted count is exactly what never reached the target.
    /// </summary>
    private void ForgiveEvictedButDelivered(ConsumerState consumer)
    {
        long delivered = 0;
        foreach (var read in consumer.Plan)
        {
            if (read.Segment.Number < segments[0].Number)
            {
                delivered += read.Take;
            }
        }

        if (delivered == 0)
        {
            return;
        }

        consumer.EvictedReadings -= delivered;

        // The total is the worst consumer's loss; with several consumers it stays an upper bound.
        if (consumers.Count == 1)
        {
            evictedTotal -= delivered;
            StateFiles.WriteEvictedTotal(directory, evictedTotal);
        }

        consumer.Plan.Clear();
    }

    private void WriteCheckpoint(ConsumerState consumer)
    {
        // Under the consumer's own lock, so that two acknowledgements cannot write their positions out of order.
        lock (consumer.CheckpointGate)
        {
            BufferPosition position;
            lock (gate)
            {
                position = consumer.Position;
            }

            StateFiles.WriteCheckpoint(directory, new ConsumerCheckpoint(consumer.Name, position));
        }
    }

    private void Recover()
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        var files = new List<(long Number, string Path)>();
        foreach (var path in Directory.EnumerateFiles(directory, "*.seg"))
        {
            if (SegmentFormat.TryParseFileName(Path.GetFileName(path), out var number))
            {
                files.Add((number, path));
            }
        }

        files.Sort(static (a, b) => a.Number.CompareTo(b.Number));
        long readings = 0;
        var deliveryNotes = new List<IReadOnlyList<ReadOnlyMemory<byte>>>();
        foreach (var (number, path) in files)
        {
            var scanned = SegmentScanner.Scan(path, number, catalog, now);
            deliveryNotes.Add(scanned.DeliveryNotes);
            foreach (var damage in scanned.Damage)
            {
                Log.DamagedRegion(logger, path, damage.Offset, damage.Length, damage.Reason);
                damagedRegions++;
            }

            if (scanned.UndefinedSeriesReadings > 0)
            {
                Log.UndefinedSeries(logger, path, scanned.UndefinedSeriesReadings);
            }

            segments.Add(scanned.Segment);
            bytesOnDisk += scanned.Segment.Size;
            readings += scanned.Segment.Readings;
        }

        evictedTotal = StateFiles.ReadEvictedTotal(directory, ReportDamagedStateFile);
        foreach (var checkpoint in StateFiles.ReadCheckpoints(directory, ReportDamagedStateFile))
        {
            consumers[checkpoint.Name] = new ConsumerState(checkpoint.Name, checkpoint.Position);
        }

        RecoveredDeliveryNotes = DeliveryNotes.Latest(deliveryNotes);

        // Never append after what may be damage: every start writes to a new segment.
        CreateActiveSegment(segments.Count == 0 ? 1 : segments[^1].Number + 1);
        lock (gate)
        {
            foreach (var consumer in consumers.Values)
            {
                consumer.Position = BufferStatisticsCalculator.Normalize(segments, consumer.Position);
            }

            DeleteAcknowledgedSegments();
        }

        Log.Opened(logger, directory, segments.Count, readings, damagedRegions);
    }

    private void ReportDamagedStateFile(string path, string reason)
    {
        Log.DamagedStateFile(logger, path, reason);
        damagedRegions++;
    }

    private async Task WriteLoopAsync()
    {
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (options.MaxCommitDelay > TimeSpan.Zero && Volatile.Read(ref disposed) == 0)
            {
                var wait = window.WaitAsync(options.MaxCommitDelay);
                if (Interlocked.Read(ref queuedReadings) >= EarlyCommitReadings || Volatile.Read(ref disposed) != 0)
                {
                    window.Fire();
                }

                await wait.ConfigureAwait(false);
            }

            while (reader.TryRead(out var request))
            {
                Interlocked.Add(ref queuedReadings, -request.Readings.Length);
                group.Add(request);
            }

            Commit();
        }
    }

    private void Commit()
    {
        IOException? groupFailure = null;
        try
        {
            foreach (var request in group)
            {
                try
                {
                    Stage(request.Readings.Span, request.DeliveryNote.Span);
                }
                catch (BufferFullException exception)
                {
                    request.Failure = exception;
                }
                catch (BufferAppendTooLargeException exception)
                {
                    request.Failure = exception;
                }
                catch (KeyNotFoundException exception)
                {
                    request.Failure = new ArgumentException($"An appended reading refers to a series that is not in the catalogue: {exception.Message}", exception);
                }
                catch (ArgumentException exception)
                {
                    request.Failure = exception;
                }
            }

            CloseRecord();
            if (buffered > 0)
            {
                WriteBuffered();
                Interlocked.Increment(ref commitFsyncs);
                Publish();
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            groupFailure = new IOException($"The buffer could not write to '{directory}': {exception.Message}", exception);
            string? before;
            lock (gate)
            {
                before = appendError;
                appendError = $"cannot write to '{directory}': {exception.Message}";
            }

            // Once per outage: a client retrying every second on a full disk must not flood the journal.
            if (before is null)
            {
                Log.WriteFailed(logger, exception);
            }

            RollBack();
        }

        if (groupFailure is null && Volatile.Read(ref appendError) is not null)
        {
            lock (gate)
            {
                appendError = null;
            }

            Log.WritesAgain(logger, directory);
        }

        // Checkpoints that failed are written as soon as the disk takes writes again, not only at the next delivery.
        if (groupFailure is null && group.Count > 0 && Volatile.Read(ref checkpointError) is not null)
        {
            foreach (var consumer in ConsumerStates())
            {
                TryWriteCheckpoint(consumer);
            }
        }

        foreach (var request in group)
        {
            request.Complete(request.Failure ?? groupFailure);
        }

        group.Clear();
    }

    /// <summary>
    /// Undoes a failed commit: what was staged is dropped and the active segment cut back to its last durable byte,
    /// so that no torn record stays before later ones. When the cut fails too, the next append starts a new segment.
    /// </summary>
    private void RollBack()
    {
        buffered = 0;
        openRecord = -1;
        pending.Clear();
        foreach (var id in definedNotWritten)
        {
            defined[id] = false;
        }

        definedNotWritten.Clear();
        if (rollBeforeWrite || active is null)
        {
            return;
        }

        try
        {
            RandomAccess.SetLength(active, activeWritten);
            RandomAccess.FlushToDisk(active);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            rollBeforeWrite = true;
        }
    }

    /// <summary>Serialises one append into the write buffer, rolling and making room first; throws before writing anything of it.</summary>
    private void Stage(ReadOnlySpan<Reading> readings, ReadOnlySpan<byte> deliveryNote)
    {
        if (rollBeforeWrite)
        {
            CreateActiveSegment(LastSegmentNumber() + 1);
            rollBeforeWrite = false;
        }

        var noteBytes = deliveryNote.IsEmpty ? 0 : SegmentFormat.RecordHeaderBytes + SegmentFormat.DeliveryNoteHeaderBytes + deliveryNote.Length;
        long estimate = readings.Length * (long)SegmentFormat.ReadingBytes
            + (((readings.Length / MaxRecordReadings) + 1) * (long)SegmentFormat.FirstReadingOffset)
            + noteBytes;
        // Each new series once, marked with a generation number so that no set is allocated per append.
        estimateGeneration++;
        foreach (ref readonly var reading in readings)
        {
            var id = reading.Series.Value;
            if (!IsDefined(id) && ((uint)id >= (uint)estimated.Length || estimated[id] != estimateGeneration))
            {
                estimate += SegmentFormat.DefinitionRecordBytes(catalog[reading.Series]);
                if (id >= estimated.Length)
                {
                    Array.Resize(ref estimated, Math.Max(estimated.Length * 2, id + 1));
                }

                estimated[id] = estimateGeneration;
            }
        }

        // segmentBytes is where a segment is closed, not a limit on one append: an append larger than a segment gets a
        // fresh segment of its own, still one write and one fsync. Only one larger than the whole cap can never fit.
        if (estimate > options.CapBytes - SegmentFormat.HeaderBytes)
        {
            throw new BufferAppendTooLargeException($"An append of {readings.Length} readings ({estimate} bytes) is larger than buffer:capBytes ({options.CapBytes} bytes); nothing was appended.");
        }

        if (activeWritten + buffered > SegmentFormat.HeaderBytes && activeWritten + buffered + estimate > options.SegmentBytes)
        {
            Roll();
        }

        MakeRoom(estimate);

        // The note goes first and is sealed last, once the length of the records it covers is known.
        var noteStart = -1;
        if (noteBytes > 0)
        {
            CloseRecord();
            EnsureBuffer(noteBytes);
            noteStart = buffered;
            deliveryNote.CopyTo(buffer.AsSpan(noteStart + SegmentFormat.RecordHeaderBytes + SegmentFormat.DeliveryNoteHeaderBytes));
            buffered += noteBytes;
        }

        foreach (ref readonly var reading in readings)
        {
            var id = reading.Series.Value;
            if (!IsDefined(id))
            {
                var key = catalog[reading.Series];
                CloseRecord();
                var length = SegmentFormat.DefinitionRecordBytes(key);
                EnsureBuffer(length);
                SegmentFormat.WriteDefinition(buffer.AsSpan(buffered, length), id, key);
                buffered += length;
                if (id >= defined.Length)
                {
                    Array.Resize(ref defined, Math.Max(defined.Length * 2, id + 1));
                }

                defined[id] = true;
                definedNotWritten.Add(id);
            }
        }

        foreach (ref readonly var reading in readings)
        {
            if (openRecord < 0)
            {
                EnsureBuffer(SegmentFormat.FirstReadingOffset);
                openRecord = buffered;
                openRecordReadings = 0;
                openRecordFirstTicks = reading.Timestamp.UtcTicks;
                buffered += SegmentFormat.FirstReadingOffset;
            }

            EnsureBuffer(SegmentFormat.ReadingBytes);
            SegmentFormat.WriteReading(buffer.AsSpan(buffered), reading.Series.Value, reading);
            buffered += SegmentFormat.ReadingBytes;
            if (++openRecordReadings == MaxRecordReadings)
            {
                CloseRecord();
            }
        }

        if (noteStart >= 0)
        {
            CloseRecord();
            var note = buffer.AsSpan(noteStart, noteBytes);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(note[SegmentFormat.RecordHeaderBytes..], (uint)(buffered - noteStart - noteBytes));
            SegmentFormat.SealRecord(note, SegmentFormat.DeliveryNoteRecord);
        }
    }

    private bool IsDefined(int seriesId) => (uint)seriesId < (uint)defined.Length && defined[seriesId];

    private void EnsureBuffer(int more)
    {
        if (buffered + more > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, buffered + more));
        }
    }

    private void CloseRecord()
    {
        if (openRecord < 0)
        {
            return;
        }

        var record = buffer.AsSpan(openRecord, buffered - openRecord);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(record[SegmentFormat.RecordHeaderBytes..], (uint)openRecordReadings);
        SegmentFormat.SealRecord(record, SegmentFormat.ReadingsRecord);
        pending.Add(new PendingRecord(activeWritten + openRecord, activeWritten + buffered, openRecordFirstTicks));
        openRecord = -1;
    }

    /// <summary>Writes the buffer at the end of the active segment and fsyncs it.</summary>
    private void WriteBuffered()
    {
        WriteFault?.Invoke();
        if (buffered > 0)
        {
            RandomAccess.Write(active!, buffer.AsSpan(0, buffered), activeWritten);
        }

        RandomAccess.FlushToDisk(active!);
        activeWritten += buffered;
        buffered = 0;
        definedNotWritten.Clear();
    }

    /// <summary>Makes durable records visible to consumers and statistics.</summary>
    private void Publish()
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        TaskCompletionSource? signal;
        lock (gate)
        {
            var segment = segments[^1];
            foreach (var record in pending)
            {
                segment.AddRecord(record.Start, record.End, record.FirstTicks, now);
            }

            bytesOnDisk += activeWritten - segment.Size;
            segment.Size = activeWritten;
            signal = dataSignal;
            dataSignal = null;
        }

        pending.Clear();
        signal?.TrySetResult();
    }

    private void Roll()
    {
        CloseRecord();
        WriteBuffered();
        Publish();
        CreateActiveSegment(LastSegmentNumber() + 1);
    }

    private long LastSegmentNumber()
    {
        lock (gate)
        {
            return segments[^1].Number;
        }
    }

    private void CreateActiveSegment(long number)
    {
        var path = Path.Combine(directory, SegmentFormat.FileName(number));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(handle, DurableFile.PrivateFileMode);
            }

            Span<byte> header = stackalloc byte[SegmentFormat.HeaderBytes];
            SegmentFormat.WriteHeader(header, number);
            RandomAccess.Write(handle, header, 0);
            RandomAccess.FlushToDisk(handle);
            DurableFile.SyncDirectory(directory);
        }
        catch
        {
            handle.Dispose();

            // A segment without its header would block this number for good (CreateNew) and read as damage.
            try
            {
                File.Delete(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
            }

            throw;
        }

        active?.Dispose();
        active = handle;
        activeWritten = SegmentFormat.HeaderBytes;
        Array.Clear(defined);
        lock (gate)
        {
            segments.Add(new Segment(number, path, seriesMap: null) { Size = SegmentFormat.HeaderBytes });
            bytesOnDisk += SegmentFormat.HeaderBytes;
        }
    }

    /// <summary>Evicts oldest segments, or refuses the append, so that <paramref name="bytes"/> more fit under the cap.</summary>
    private void MakeRoom(long bytes)
    {
        lock (gate)
        {
            while (bytesOnDisk + buffered + bytes > options.CapBytes)
            {
                if (!options.EvictWhenFull)
                {
                    throw new BufferFullException(
                        $"The buffer in '{directory}' reached buffer:capBytes ({options.CapBytes} bytes) and buffer:evictWhenFull is false; nothing was appended.");
                }

                if (segments.Count < 2)
                {
                    return;
                }

                EvictOldest();
            }
        }
    }

    private void EvictOldest()
    {
        var oldest = segments[0];
        long lost = consumers.Count == 0 ? oldest.Readings : 0;
        var perConsumer = new StringBuilder();
        foreach (var consumer in consumers.Values)
        {
            var unread = consumer.Position.Segment < oldest.Number ? oldest.Readings
                : consumer.Position.Segment == oldest.Number ? oldest.ReadingsAfter(consumer.Position.Offset)
                : 0;
            consumer.EvictedReadings += unread;
            lost = Math.Max(lost, unread);
            perConsumer.Append(perConsumer.Length == 0 ? string.Empty : ", ").Append(consumer.Name).Append(": ").Append(unread.ToString(CultureInfo.InvariantCulture));
        }

        if (lost > 0)
        {
            // Counted before the file goes: a crash in between over-counts rather than hides a loss.
            evictedTotal += lost;
            StateFiles.WriteEvictedTotal(directory, evictedTotal);
        }

        File.Delete(oldest.Path);
        segments.RemoveAt(0);
        bytesOnDisk -= oldest.Size;
        foreach (var consumer in consumers.Values)
        {
            if (consumer.Position.Segment <= oldest.Number)
            {
                consumer.Position = new BufferPosition(segments[0].Number, SegmentFormat.HeaderBytes);
            }
        }

        if (lost > 0)
        {
            Log.Evicted(logger, options.CapBytes, oldest.FileName, lost, perConsumer.Length == 0 ? "no consumer yet" : perConsumer.ToString());
        }
    }

    /// <summary>Deletes the oldest segments every known consumer has acknowledged; none while no consumer exists.</summary>
    private void DeleteAcknowledgedSegments()
    {
        while (consumers.Count > 0 && segments.Count > 1)
        {
            var oldest = segments[0];
            foreach (var consumer in consumers.Values)
            {
                if (consumer.Position.Segment < oldest.Number
                    || (consumer.Position.Segment == oldest.Number && oldest.ReadingsAfter(consumer.Position.Offset) > 0))
                {
                    return;
                }
            }

            try
            {
                File.Delete(oldest.Path);
            }
            catch (IOException exception)
            {
                logger.LogWarning(exception, "Could not delete the acknowledged buffer segment {File}; it is retried after the next acknowledgement.", oldest.Path);
                return;
            }

            segments.RemoveAt(0);
            bytesOnDisk -= oldest.Size;
            foreach (var consumer in consumers.Values)
            {
                if (consumer.Position.Segment <= oldest.Number)
                {
                    consumer.Position = new BufferPosition(segments[0].Number, SegmentFormat.HeaderBytes);
                }
            }
        }
    }

    /// <summary>Lists the records to read for a consumer, up to <paramref name="maxReadings"/> readings; under <see cref="gate"/>.</summary>
    private long PlanRead(ConsumerState consumer, int maxReadings, List<PlannedRead> plan, out long firstCommittedTicks)
    {
        plan.Clear();
        firstCommittedTicks = long.MaxValue;
        var position = BufferStatisticsCalculator.Normalize(segments, consumer.Position);
        long planned = 0;
        foreach (var segment in segments)
        {
            if (segment.Number < position.Segment)
            {
                continue;
            }

            var offset = segment.Number == position.Segment ? position.Offset : 0;
            for (var record = segment.FirstRecordEndingAfter(offset); record < segment.RecordCount && planned < maxReadings; record++)
            {
                var first = segment.RecordStart(record) + SegmentFormat.FirstReadingOffset;
                var from = Math.Max(offset, first);
                var available = (segment.RecordEnd(record) - from) / SegmentFormat.ReadingBytes;
                var take = (int)Math.Min(available, maxReadings - planned);
                if (planned == 0)
                {
                    firstCommittedTicks = segment.CommittedTicks(record);
                }

                plan.Add(new PlannedRead(segment, segment.RecordStart(record), segment.RecordEnd(record), (int)((from - first) / SegmentFormat.ReadingBytes), take));
                planned += take;
            }

            if (planned >= maxReadings)
            {
                break;
            }
        }

        return planned;
    }

    /// <summary>Reads planned records from their files; null when a segment vanished (evicted) meanwhile.</summary>
    private BufferBatch? ReadPlanned(List<PlannedRead> plan)
    {
        var total = 0;
        foreach (var read in plan)
        {
            total += read.Take;
        }

        var readings = new Reading[total];
        var count = 0;
        SafeFileHandle? handle = null;
        Segment? open = null;
        var bytes = new byte[SegmentFormat.FirstReadingOffset + (MaxRecordReadings * SegmentFormat.ReadingBytes)];
        try
        {
            foreach (var read in plan)
            {
                if (!ReferenceEquals(open, read.Segment))
                {
                    handle?.Dispose();
                    handle = null;
                    try
                    {
                        handle = File.OpenHandle(read.Segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    }
                    catch (FileNotFoundException)
                    {
                        return null;
                    }

                    open = read.Segment;
                }

                var length = (int)(read.End - read.Start);
                if (bytes.Length < length)
                {
                    bytes = new byte[length];
                }

                var record = bytes.AsSpan(0, length);
                if (RandomAccess.Read(handle!, record, read.Start) != length
                    || SegmentFormat.TryReadRecord(record, out _) != length)
                {
                    Log.DamagedAtRead(logger, read.Segment.Path, read.Start);
                    Interlocked.Increment(ref damagedRegions);
                    continue;
                }

                for (var i = read.Skip; i < read.Skip + read.Take; i++)
                {
                    var data = record[(SegmentFormat.FirstReadingOffset + (i * SegmentFormat.ReadingBytes))..];
                    var diskId = SegmentFormat.ReadSeriesId(data);
                    if (read.Segment.SeriesMap is not { } map)
                    {
                        readings[count++] = SegmentFormat.ReadReading(data, new SeriesId(diskId));
                    }
                    else if (map.TryGetValue(diskId, out var series))
                    {
                        readings[count++] = SegmentFormat.ReadReading(data, series);
                    }
                }
            }
        }
        finally
        {
            handle?.Dispose();
        }

        var last = plan[^1];
        var end = new BufferPosition(
            last.Segment.Number,
            last.Start + SegmentFormat.FirstReadingOffset + ((long)(last.Skip + last.Take) * SegmentFormat.ReadingBytes));
        return new BufferBatch(readings.AsMemory(0, count), end);
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

    private readonly record struct PendingRecord(long Start, long End, long FirstTicks);
}

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

    public List<PlannedRead> Plan { get; } = [];

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
        log.ReadAsync(state, maxReadings, maxAge, cancellationToken);

    public ValueTask AcknowledgeAsync(BufferBatch batch, CancellationToken cancellationToken) =>
        log.AcknowledgeAsync(state, batch, cancellationToken);
}
