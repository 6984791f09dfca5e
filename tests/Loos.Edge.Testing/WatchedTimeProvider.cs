using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Loos.Edge.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that shows its timers: for when each was armed and when each fired, in fake time.
/// A test waits until the code under test has armed the timer it expects, then advances the clock to just before it
/// is due and asserts that nothing happened, at a precise fake time instead of after a real sleep.
/// </summary>
public sealed class WatchedTimeProvider : FakeTimeProvider
{
    private readonly Lock gate = new();
    private readonly List<DateTimeOffset> armed = [];
    private readonly List<DateTimeOffset> fired = [];

    public WatchedTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>When each timer was due, in the order they were armed (one entry per creation or change with a due time).</summary>
    public IReadOnlyList<DateTimeOffset> Armed
    {
        get
        {
            lock (gate)
            {
                return [.. armed];
            }
        }
    }

    /// <summary>The fake times at which timers fired, in order.</summary>
    public IReadOnlyList<DateTimeOffset> Fired
    {
        get
        {
            lock (gate)
            {
                return [.. fired];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new WatchedTimer(this, base.CreateTimer(
            timerState =>
            {
                lock (gate)
                {
                    fired.Add(GetUtcNow());
                }

                callback(timerState);
            },
            state,
            dueTime,
            period));

        // Counted once the fake clock holds the timer: an Advance made while FakeTimeProvider is still adding it leaves
        // the waking to the adding thread, which may already have looked, and the timer never fires.
        Arm(dueTime);
        return timer;
    }

    /// <summary>Waits (in real time, at most <paramref name="timeout"/>, 10 s by default) until a timer is armed for <paramref name="due"/>.</summary>
    public async Task WaitUntilArmedAsync(DateTimeOffset due, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!Armed.Contains(due))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no timer was armed for {due:O}; armed: {string.Join(", ", Armed.Select(a => a.ToString("O")))}");
            await Task.Delay(5);
        }
    }

    private void Arm(TimeSpan dueTime)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (gate)
            {
                armed.Add(GetUtcNow() + dueTime);
            }
        }
    }

    private sealed class WatchedTimer(WatchedTimeProvider owner, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            owner.Arm(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
