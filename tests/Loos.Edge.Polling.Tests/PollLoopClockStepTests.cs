using Loos.Edge.Testing;

namespace Loos.Edge.Polling.Tests;

/// <summary>Polls aligned on the wall clock across steps of that clock (NTP setting a stale boot time, a manual change).</summary>
public sealed class PollLoopClockStepTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly WatchedTimeProvider monotonic = new(new DateTimeOffset(2026, 3, 2, 12, 0, 30, TimeSpan.Zero));
    private readonly List<(DateTimeOffset Tick, DateTimeOffset TakenAt)> polls = [];
    private readonly PollSchedule schedule = new();
    private readonly SteppedClock clock;

    public PollLoopClockStepTests() => clock = new SteppedClock(monotonic);

    [Fact]
    public async Task StepForwardOfAnHour_OnePollAtTheNextAlignedTick_NoCatchUp()
    {
        using var stop = new CancellationTokenSource();
        var loop = StartLoop(stop.Token);
        await AdvanceAsync(TimeSpan.FromMinutes(3)); // polls 12:01, 12:02, 12:03
        Assert.Equal(3, polls.Count);

        clock.WallError = TimeSpan.FromHours(1); // 12:03:30 becomes 13:03:30
        await AdvanceAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(3, polls.Count); // 13:04 is not yet reached
        await AdvanceAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(4, polls.Count);
        var afterStep = polls[3];
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 13, 4, 0, TimeSpan.Zero), afterStep.Tick);
        Assert.InRange(afterStep.TakenAt - afterStep.Tick, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        await StopAsync(stop, loop);
    }

    [Fact]
    public async Task StepForwardWithinAWait_TheReadingIsNotStampedWithATickLongPast()
    {
        schedule.Add(TimeSpan.FromMinutes(15), clock.GetUtcNow()); // next 12:15, waiting from 12:00:30
        using var stop = new CancellationTokenSource();
        var loop = StartLoop(stop.Token, addEntry: false);
        clock.WallError = TimeSpan.FromMinutes(20); // 12:20:30: 12:15 was jumped over
        await AdvanceAsync(TimeSpan.FromMinutes(10)); // until 12:30:30

        var poll = Assert.Single(polls);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 12, 30, 0, TimeSpan.Zero), poll.Tick);
        await StopAsync(stop, loop);
    }

    [Fact]
    public async Task StepBackOfAnHour_NoTickIsPolledTwice()
    {
        using var stop = new CancellationTokenSource();
        var loop = StartLoop(stop.Token);
        await AdvanceAsync(TimeSpan.FromMinutes(3)); // polls 12:01 .. 12:03

        clock.WallError = -TimeSpan.FromHours(1); // 12:03:30 becomes 11:03:30
        await AdvanceAsync(TimeSpan.FromMinutes(63)); // the wall clock reaches 12:06:30 again

        var ticks = polls.Select(p => p.Tick).ToList();
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.Equal(ticks.Order(), ticks);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 12, 6, 0, TimeSpan.Zero), ticks[^1]);
        Assert.Equal(6, ticks.Count); // 12:01 .. 12:06, none of 11:04 .. 12:03 again
        await StopAsync(stop, loop);
    }

    private Task StartLoop(CancellationToken cancellationToken, bool addEntry = true)
    {
        if (addEntry)
        {
            schedule.Add(Interval, clock.GetUtcNow());
        }

        var due = new DueEntry[1];
        var armed = monotonic.Armed.Count;
        var loop = Task.Run(() => PollLoop.RunAsync(
            schedule,
            clock,
            _ =>
            {
                var now = clock.GetUtcNow();
                for (var i = schedule.TakeDue(now, due); i > 0; i--)
                {
                    lock (polls)
                    {
                        polls.Add((due[0].Tick, now));
                    }
                }

                return ValueTask.CompletedTask;
            },
            exception => throw exception,
            new Loos.Edge.Core.LoopProgress("test loop", clock),
            cancellationToken));
        SpinWait.SpinUntil(() => monotonic.Armed.Count > armed, TimeSpan.FromSeconds(10));
        return loop;
    }

    /// <summary>Moves the monotonic clock a second at a time, each step once the loop has armed its next wait.</summary>
    private async Task AdvanceAsync(TimeSpan duration)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += TimeSpan.FromSeconds(1))
        {
            var armed = monotonic.Armed.Count;
            monotonic.Advance(TimeSpan.FromSeconds(1));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (monotonic.Armed.Count == armed)
            {
                Assert.True(DateTime.UtcNow < deadline, "the poll loop did not wait again");
                await Task.Yield();
            }
        }
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task loop)
    {
        await stop.CancelAsync();
        await loop;
    }
}
