using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Polling.Tests;

public sealed class WallClockTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 14, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Floor_QuarterHour_FallsOnTheQuarter()
    {
        Assert.Equal(Noon.AddMinutes(15), WallClock.Floor(Noon.AddMinutes(29).AddSeconds(59), TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public void Ceiling_OnATick_ReturnsThatTick()
    {
        Assert.Equal(Noon, WallClock.Ceiling(Noon, TimeSpan.FromMinutes(15)));
        Assert.Equal(Noon.AddMinutes(15), WallClock.Ceiling(Noon.AddTicks(1), TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public void Floor_IntervalThatDoesNotDivideADay_AlignsToUnixEpochMultiples()
    {
        var interval = TimeSpan.FromMinutes(7);
        var tick = WallClock.Floor(Noon, interval);

        Assert.Equal(0, (tick - DateTimeOffset.UnixEpoch).Ticks % interval.Ticks);
        Assert.True(Noon - tick < interval);
    }

    [Fact]
    public void Floor_LocalOffset_AlignsInUtc()
    {
        var paris = new DateTimeOffset(2026, 3, 14, 13, 7, 0, TimeSpan.FromHours(1));

        Assert.Equal(Noon, WallClock.Floor(paris, TimeSpan.FromMinutes(15)));
    }
}

public sealed class PollScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 14, 12, 3, 20, TimeSpan.Zero);

    [Fact]
    public void TakeDue_PerEntryIntervals_EachEntryPolledOnItsOwnAlignedTicks()
    {
        var clock = new FakeTimeProvider(Start);
        var schedule = new PollSchedule();
        var quarterHour = schedule.Add(TimeSpan.FromMinutes(15), clock.GetUtcNow());
        var minute = schedule.Add(TimeSpan.FromMinutes(1), clock.GetUtcNow());
        var polled = new List<(int Entry, DateTimeOffset Tick, DateTimeOffset At)>();
        var due = new DueEntry[schedule.Count];

        // Wake exactly when the schedule says, 3 hours long: the loop a poller runs.
        while (schedule.NextDue <= Start.AddHours(3))
        {
            clock.SetUtcNow(schedule.NextDue);
            var count = schedule.TakeDue(clock.GetUtcNow(), due);
            foreach (var entry in due.AsSpan(0, count))
            {
                polled.Add((entry.Entry, entry.Tick, clock.GetUtcNow()));
            }
        }

        var quarterTicks = polled.Where(p => p.Entry == quarterHour).Select(p => p.Tick).ToList();
        Assert.Equal(12, quarterTicks.Count);
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 12, 15, 0, TimeSpan.Zero), quarterTicks[0]);
        Assert.All(quarterTicks, t => Assert.Contains(t.Minute, new[] { 0, 15, 30, 45 }));
        Assert.All(quarterTicks, t => Assert.Equal(0, t.Second + t.Millisecond));
        Assert.Equal(180, polled.Count(p => p.Entry == minute));
        Assert.All(polled, p => Assert.Equal(p.Tick, p.At));
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 15, 3, 0, TimeSpan.Zero), polled.Where(p => p.Entry == minute).Max(p => p.Tick));
    }

    [Fact]
    public void TakeDue_WokenSlightlyLateEveryTime_DoesNotDrift()
    {
        var schedule = new PollSchedule();
        schedule.Add(TimeSpan.FromSeconds(10), Start);
        var due = new DueEntry[1];
        var ticks = new List<DateTimeOffset>();

        for (var cycle = 0; cycle < 1000; cycle++)
        {
            // Every wake-up is 300 ms late, as a busy bus makes it: the ticks must stay on the 10 s grid.
            var now = schedule.NextDue.AddMilliseconds(300);
            Assert.Equal(1, schedule.TakeDue(now, due));
            ticks.Add(due[0].Tick);
        }

        // 12:03:20 is itself on the 10 s grid, so it is the first tick.
        Assert.Equal(Start, ticks[0]);
        Assert.Equal(ticks[0].AddSeconds(9990), ticks[^1]);
        Assert.Equal(1000, ticks.Distinct().Count());
    }

    [Fact]
    public void TakeDue_WokenTwoAndAHalfIntervalsLate_PollsOnceAtTheLatestTickAndSkipsTheMissedOnes()
    {
        var schedule = new PollSchedule();
        schedule.Add(TimeSpan.FromMinutes(1), Start);
        var due = new DueEntry[1];
        var firstDue = schedule.NextDue;

        var count = schedule.TakeDue(firstDue.AddMinutes(2.5), due);

        Assert.Equal(1, count);
        Assert.Equal(firstDue.AddMinutes(2), due[0].Tick);
        Assert.Equal(firstDue.AddMinutes(3), schedule.NextDue);
        Assert.Equal(0, schedule.TakeDue(firstDue.AddMinutes(2.9), due));
    }

    [Fact]
    public void TakeDue_BeforeTheFirstTick_ReturnsNothing()
    {
        var schedule = new PollSchedule();
        schedule.Add(TimeSpan.FromMinutes(15), Start);
        var due = new DueEntry[1];

        Assert.Equal(0, schedule.TakeDue(Start.AddMinutes(11), due));
        Assert.Equal(1, schedule.TakeDue(Start.AddMinutes(11).AddSeconds(40), due));
    }
}
