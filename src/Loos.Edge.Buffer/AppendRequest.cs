using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using Loos.Edge.Core;

namespace Loos.Edge.Buffer;

/// <summary>One pending append; pooled so that appending allocates nothing in steady state.</summary>
internal sealed class AppendRequest(ConcurrentQueue<AppendRequest> pool) : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> core = new() { RunContinuationsAsynchronously = true };

    public ReadOnlyMemory<Reading> Readings { get; set; }

    /// <summary>Written with the readings in the same commit (see <see cref="SegmentFormat.DeliveryNoteRecord"/>); empty for none.</summary>
    public ReadOnlyMemory<byte> DeliveryNote { get; set; }

    /// <summary>Whether the append completes only once fsynced (<see cref="AppendDurability.Synced"/>).</summary>
    public bool WaitsForSync { get; set; }

    /// <summary>Set by the writer when this append alone fails (full, unknown series).</summary>
    public Exception? Failure { get; set; }

    public short Version => core.Version;

    public void Complete(Exception? failure)
    {
        failure ??= Failure;
        Readings = default;
        DeliveryNote = default;
        if (failure is null)
        {
            core.SetResult(true);
        }
        else
        {
            core.SetException(failure);
        }
    }

    public void GetResult(short token)
    {
        try
        {
            core.GetResult(token);
        }
        finally
        {
            Failure = null;
            core.Reset();
            pool.Enqueue(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        core.OnCompleted(continuation, state, token, flags);
}

/// <summary>
/// The wait of the writer for more appends to join a commit: a reusable timer and value-task source, so that the
/// wait allocates nothing. Fired by the timer, or early when enough readings are queued or on shutdown.
/// </summary>
internal sealed class CommitWindow : IValueTaskSource, IDisposable
{
    private readonly ITimer timer;
    private ManualResetValueTaskSourceCore<bool> core = new() { RunContinuationsAsynchronously = true };
    private int armed;

    public CommitWindow(TimeProvider timeProvider) =>
        timer = timeProvider.CreateTimer(static state => ((CommitWindow)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public ValueTask WaitAsync(TimeSpan delay)
    {
        core.Reset();
        Volatile.Write(ref armed, 1);
        timer.Change(delay, Timeout.InfiniteTimeSpan);
        return new ValueTask(this, core.Version);
    }

    public void Fire()
    {
        if (Interlocked.Exchange(ref armed, 0) == 1)
        {
            core.SetResult(true);
        }
    }

    public void Dispose() => timer.Dispose();

    public void GetResult(short token) => core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        core.OnCompleted(continuation, state, token, flags);
}
