using Loos.Edge.Core;

namespace Loos.Edge.Core.Tests;

/// <summary>The watchdog's view of a loop: late only on the monotonic clock, whatever the wall clock does.</summary>
public sealed class LoopProgressTests
{
    [Fact]
    public void Lateness_WallClockStepsAYearForward_LoopIsLateOnlyByTheTimeThatPassed()
    {
        var clock = new SteppableClock();
        var loop = new LoopProgress("Modbus bus roof", clock);

        loop.ExpectWithin(TimeSpan.FromSeconds(10));
        clock.StepWallClock(TimeSpan.FromDays(365));
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(-6), loop.Lateness());

        clock.StepWallClock(TimeSpan.FromDays(-400));
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(TimeSpan.FromSeconds(34), loop.Lateness());

        loop.Idle();
        Assert.Null(loop.Lateness());
    }

    /// <summary>A wall clock that can be stepped while the monotonic clock only moves forward with the time that passes.</summary>
    private sealed class SteppableClock : TimeProvider
    {
        private readonly DateTimeOffset start = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
        private TimeSpan elapsed;
        private TimeSpan step;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => elapsed.Ticks;

        public override DateTimeOffset GetUtcNow() => start + elapsed + step;

        public void Advance(TimeSpan time) => elapsed += time;

        public void StepWallClock(TimeSpan by) => step += by;
    }
}
