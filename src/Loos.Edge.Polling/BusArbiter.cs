namespace Loos.Edge.Polling;

/// <summary>
/// Gives a shared bus (a serial line, a TCP gateway) to one request at a time per slot (the bus' allowed
/// concurrency), keeping a quiet time on each slot between the end of one request and the start of the next
/// (the device's inter-frame delay). Waiting requests are served earliest-due first, then in arrival order, so no
/// device on the bus is starved. Safe for concurrent use.
/// </summary>
public sealed class BusArbiter
{
    private readonly Lock gate = new();
    private readonly TimeProvider timeProvider;
    private readonly bool[] busy;
    private readonly long[] releasedAtTimestamps;
    private readonly PriorityQueue<Waiter, (DateTimeOffset Due, long Sequence)> waiters = new();
    private long sequence;

    /// <param name="name">The bus name, for messages.</param>
    /// <param name="concurrency">How many requests may be on the bus at once; 1 for a serial line.</param>
    /// <param name="quietTime">The silence kept on a slot after each request; zero for none.</param>
    /// <param name="timeProvider">The clock the quiet time is measured on.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="concurrency"/> is below 1 or <paramref name="quietTime"/> negative.</exception>
    public BusArbiter(string name, int concurrency, TimeSpan quietTime, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(quietTime, TimeSpan.Zero);
        Name = name;
        QuietTime = quietTime;
        this.timeProvider = timeProvider;
        busy = new bool[concurrency];
        releasedAtTimestamps = new long[concurrency];
        Array.Fill(releasedAtTimestamps, long.MinValue);
    }

    /// <summary>The bus name.</summary>
    public string Name { get; }

    /// <summary>The silence kept on a slot between two requests.</summary>
    public TimeSpan QuietTime { get; }

    /// <summary>How many requests may be on the bus at once.</summary>
    public int Concurrency => busy.Length;

    /// <summary>
    /// Waits for a free slot (requests due earliest go first) and its quiet time, and returns the lease to dispose
    /// once the request is over. Does not allocate when a slot is free.
    /// </summary>
    /// <param name="due">When the request was due; earlier goes first.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <exception cref="OperationCanceledException">The wait was cancelled; no slot is held.</exception>
    public async ValueTask<BusLease> AcquireAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        var slot = -1;
        Waiter? waiter = null;
        lock (gate)
        {
            if (waiters.Count == 0)
            {
                slot = Array.IndexOf(busy, false);
            }

            if (slot >= 0)
            {
                busy[slot] = true;
            }
            else
            {
                waiter = new Waiter();
                waiters.Enqueue(waiter, (due, sequence++));
            }
        }

        if (waiter is not null)
        {
            using (cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).TrySetCanceled(token), waiter))
            {
                // A cancelled waiter stays queued; Release skips it and hands the slot to the next one.
                slot = await waiter.Task.ConfigureAwait(false);
            }
        }

        try
        {
            await KeepQuietAsync(slot, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(slot);
            throw;
        }

        return new BusLease(this, slot);
    }

    private ValueTask KeepQuietAsync(int slot, CancellationToken cancellationToken)
    {
        long releasedAt;
        lock (gate)
        {
            releasedAt = releasedAtTimestamps[slot];
        }

        if (QuietTime == TimeSpan.Zero || releasedAt == long.MinValue)
        {
            return ValueTask.CompletedTask;
        }

        var remaining = QuietTime - timeProvider.GetElapsedTime(releasedAt);
        return remaining <= TimeSpan.Zero ? ValueTask.CompletedTask : new ValueTask(Task.Delay(remaining, timeProvider, cancellationToken));
    }

    internal void Release(int slot)
    {
        lock (gate)
        {
            releasedAtTimestamps[slot] = timeProvider.GetTimestamp();
            while (waiters.TryDequeue(out var next, out _))
            {
                // A cancelled waiter cannot take the slot; the next one does.
                if (next.TrySetResult(slot))
                {
                    return;
                }
            }

            busy[slot] = false;
        }
    }

    private sealed class Waiter() : TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A slot of a <see cref="BusArbiter"/>, held until disposed.</summary>
public readonly struct BusLease : IDisposable, IEquatable<BusLease>
{
    private readonly BusArbiter? arbiter;

    internal BusLease(BusArbiter arbiter, int slot)
    {
        this.arbiter = arbiter;
        Slot = slot;
    }

    /// <summary>Which slot (0 to concurrency − 1) is held: a poller with one connection per slot uses that connection.</summary>
    public int Slot { get; }

    /// <summary>Hands the slot to the next waiting request, starting its quiet time.</summary>
    public void Dispose() => arbiter?.Release(Slot);

    public bool Equals(BusLease other) => ReferenceEquals(arbiter, other.arbiter) && Slot == other.Slot;

    public override bool Equals(object? obj) => obj is BusLease other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(arbiter, Slot);

    public static bool operator ==(BusLease left, BusLease right) => left.Equals(right);

    public static bool operator !=(BusLease left, BusLease right) => !left.Equals(right);
}
