using System.Collections.Concurrent;
using System.Threading.Channels;
using Loos.Edge.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Loos.Edge.Buffer;

/// <summary>
/// The one writer of the active segment. Its loop drains every queued append, serialises them, writes them, fsyncs
/// once and completes them all (group commit); a failed write is undone. Makes the new records visible to readers.
/// A group whose appends do not wait for their fsync (<see cref="AppendDurability.Written"/>) is written without one;
/// what is written stays unsynchronised at most <see cref="BufferOptions.SyncInterval"/>, then a timer asks the loop to
/// fsync it, unless an append that waits (the listener's) or a roll fsyncs it first.
/// </summary>
internal sealed class SegmentWriter(
    BufferOptions options,
    SegmentIndex index,
    SegmentRetention retention,
    Checkpoints checkpoints,
    ISeriesCatalog catalog,
    TimeProvider timeProvider,
    ILogger logger) : IDisposable
{
    /// <summary>Queued readings that end the commit window early: some 40 KiB, at most 100 KiB, a write that gains nothing by waiting.</summary>
    private const long EarlyCommitReadings = 4096;

    private readonly Channel<AppendRequest> queue = Channel.CreateUnbounded<AppendRequest>(new UnboundedChannelOptions { SingleReader = true });

    // Requests come back here once their task is awaited, so that appending allocates nothing in steady state.
    private readonly ConcurrentQueue<AppendRequest> pool = new();
    private readonly CommitWindow window = new(timeProvider);
    private readonly List<AppendRequest> group = [];
    private readonly CommitBuffer records = new(catalog);

    // Queued by the sync timer: asks the loop to fsync what is written; never completed nor pooled.
    private readonly AppendRequest syncMarker = new(new ConcurrentQueue<AppendRequest>());
    private Task loop = Task.CompletedTask;
    private ITimer? syncTimer;

    // Owned by the writer loop: the active segment, its written length, where the last write began in it, and whether
    // some of it is written but not fsynced yet (the sync timer runs).
    private SafeFileHandle? active;
    private long activeWritten;
    private long writeStart;
    private bool unsynced;

    // The last cut-back after a failed write failed too: the next append starts a new segment.
    private bool rollBeforeWrite;

    // Under the index's lock.
    private string? appendError;

    // Read and written with Interlocked or Volatile, from the appenders and the loop.
    private long queuedReadings;
    private long commitFsyncs;
    private int closing;

    /// <summary>Commit fsyncs since open (not counting those that create a segment): shows appends sharing one.</summary>
    public long CommitFsyncs => Interlocked.Read(ref commitFsyncs);

    /// <summary>Runs before each write of the writer loop; tests make it throw to stand for a failing disk.</summary>
    public Action? WriteFault { get; set; }

    /// <summary>The writer loop's promise to finish the commit it started, for the watchdog; idle while nothing is queued.</summary>
    public LoopProgress Progress { get; } = new("buffer writer", timeProvider);

    /// <summary>Why the last write failed; null once one succeeds again. Under the index's lock.</summary>
    public string? AppendError => appendError;

    public void Start()
    {
        syncTimer = timeProvider.CreateTimer(static state => ((SegmentWriter)state!).RequestSync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Queues an append for the next commit; the task completes once it is on disk (fsynced), or once it is written to
    /// the segment for <see cref="AppendDurability.Written"/>.
    /// </summary>
    public ValueTask Enqueue(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, AppendDurability durability = AppendDurability.Synced)
    {
        if (!pool.TryDequeue(out var request))
        {
            request = new AppendRequest(pool);
        }

        request.Readings = readings;
        request.DeliveryNote = deliveryNote;
        request.WaitsForSync = durability == AppendDurability.Synced;
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

    /// <summary>Commits what is queued, refuses further appends and waits for the loop to end.</summary>
    public async Task CompleteAsync()
    {
        Volatile.Write(ref closing, 1);

        // A clean stop leaves nothing unsynchronised.
        queue.Writer.TryWrite(syncMarker);
        queue.Writer.TryComplete();
        window.Fire();
        await loop.ConfigureAwait(false);
    }

    /// <summary>Closes the active segment's handle and the commit window; after <see cref="CompleteAsync"/>, or when the open failed.</summary>
    public void Dispose()
    {
        syncTimer?.Dispose();
        active?.Dispose();
        window.Dispose();
    }

    public void CreateActiveSegment(long number)
    {
        var path = Path.Combine(index.Directory, SegmentFormat.FileName(number));
        var handle = SegmentFormat.CreateFile(path, number);
        active?.Dispose();
        active = handle;
        activeWritten = SegmentFormat.HeaderBytes;
        records.NewSegment();
        lock (index.Gate)
        {
            index.Segments.Add(new Segment(number, path, seriesMap: null) { Size = SegmentFormat.HeaderBytes });
            index.BytesOnDisk += SegmentFormat.HeaderBytes;
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            Progress.ExpectWithin(options.MaxCommitDelay);
            if (options.MaxCommitDelay > TimeSpan.Zero && Volatile.Read(ref closing) == 0)
            {
                var wait = window.WaitAsync(options.MaxCommitDelay);
                if (Interlocked.Read(ref queuedReadings) >= EarlyCommitReadings || Volatile.Read(ref closing) != 0)
                {
                    window.Fire();
                }

                await wait.ConfigureAwait(false);
            }

            var syncRequested = false;
            while (reader.TryRead(out var request))
            {
                if (ReferenceEquals(request, syncMarker))
                {
                    syncRequested = true;
                    continue;
                }

                Interlocked.Add(ref queuedReadings, -request.Readings.Length);
                group.Add(request);
            }

            Commit(syncRequested);
            Progress.Idle();
        }
    }

    /// <summary>Called by the sync timer: the loop fsyncs what is written at its next pass.</summary>
    private void RequestSync() => queue.Writer.TryWrite(syncMarker);

    private void Commit(bool syncRequested)
    {
        var sync = syncRequested || options.SyncInterval == TimeSpan.Zero;
        IOException? groupFailure = null;
        try
        {
            foreach (var request in group)
            {
                sync |= request.WaitsForSync;
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

            records.CloseRecord();
            if (records.Length > 0)
            {
                WriteBuffered(sync);
                Publish();
            }
            else if (sync && unsynced)
            {
                SyncActive();
            }
            else
            {
                sync = false;
            }

            if (sync)
            {
                Interlocked.Increment(ref commitFsyncs);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            groupFailure = new IOException($"The buffer could not write to '{index.Directory}': {exception.Message}", exception);
            string? before;
            lock (index.Gate)
            {
                before = appendError;
                appendError = $"cannot write to '{index.Directory}': {exception.Message}";
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
            lock (index.Gate)
            {
                appendError = null;
            }

            Log.WritesAgain(logger, index.Directory);
        }

        // Checkpoints that failed are written as soon as the disk takes writes again, not only at the next delivery.
        if (groupFailure is null && group.Count > 0)
        {
            checkpoints.RetryFailed();
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
        records.Discard();
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

    /// <summary>Serialises one append for the next write, rolling and making room first; throws before serialising anything of it.</summary>
    private void Stage(ReadOnlySpan<Reading> readings, ReadOnlySpan<byte> deliveryNote)
    {
        if (rollBeforeWrite)
        {
            CreateActiveSegment(index.LastSegmentNumber() + 1);
            rollBeforeWrite = false;
        }

        var estimate = records.Estimate(readings, deliveryNote.Length);

        // segmentBytes is where a segment is closed, not a limit on one append: an append larger than a segment gets a
        // fresh segment of its own, still one write and one fsync. Only one larger than the whole cap can never fit.
        if (estimate > options.CapBytes - SegmentFormat.HeaderBytes)
        {
            throw new BufferAppendTooLargeException($"An append of {readings.Length} readings ({estimate} bytes) is larger than buffer:capBytes ({options.CapBytes} bytes); nothing was appended.");
        }

        if (activeWritten + records.Length > SegmentFormat.HeaderBytes && activeWritten + records.Length + estimate > options.SegmentBytes)
        {
            Roll();
        }

        retention.MakeRoom(records.Length + estimate);
        records.Add(readings, deliveryNote);
    }

    /// <summary>Writes the serialised records at the end of the active segment, and fsyncs it when <paramref name="sync"/>.</summary>
    private void WriteBuffered(bool sync)
    {
        WriteFault?.Invoke();
        var bytes = records.Bytes;
        if (bytes.Length > 0)
        {
            RandomAccess.Write(active!, bytes, activeWritten);
        }

        if (sync)
        {
            SyncActive();
        }
        else if (!unsynced && bytes.Length > 0)
        {
            unsynced = true;
            syncTimer!.Change(options.SyncInterval, Timeout.InfiniteTimeSpan);
        }

        writeStart = activeWritten;
        activeWritten += bytes.Length;
        records.Written();
    }

    /// <summary>Makes durable records visible to consumers and statistics.</summary>
    private void Publish()
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        TaskCompletionSource? signal;
        lock (index.Gate)
        {
            var segment = index.Segments[^1];
            foreach (var record in records.Pending)
            {
                segment.AddRecord(writeStart + record.Start, writeStart + record.End, SegmentFormat.CompactReadingsRecord, record.Readings, record.FirstTicks, now);
                index.AppendedReadings += record.Readings;
            }

            index.AppendedBytes += activeWritten - segment.Size;
            index.BytesOnDisk += activeWritten - segment.Size;
            segment.Size = activeWritten;
            signal = index.TakeDataSignal();
        }

        records.Pending.Clear();
        signal?.TrySetResult();
    }

    /// <summary>fsyncs the active segment, with what earlier commits wrote without an fsync.</summary>
    private void SyncActive()
    {
        RandomAccess.FlushToDisk(active!);
        if (unsynced)
        {
            unsynced = false;
            syncTimer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void Roll()
    {
        records.CloseRecord();
        WriteBuffered(sync: true);
        Publish();
        CreateActiveSegment(index.LastSegmentNumber() + 1);
    }
}
