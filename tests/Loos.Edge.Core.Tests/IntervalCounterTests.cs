using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Core.Tests;

public sealed class IntervalCounterTests
{
    [Fact]
    public void Count_ManyWithinInterval_LogsFirstThenOncePerIntervalWithTheCountSince()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 8, 0, 0, TimeSpan.Zero));
        var counter = new IntervalCounter(TimeSpan.FromMinutes(1), time);

        Assert.True(counter.Count("a/power", out var first));
        Assert.Equal(1, first);
        for (var i = 0; i < 9; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            Assert.False(counter.Count("a/power", out _));
        }

        Assert.True(counter.Count("b/power", out var otherTopic));
        Assert.Equal(1, otherTopic);
        time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(counter.Count("a/power", out var since));
        Assert.Equal(10, since);
        Assert.Equal(11, counter.Totals["a/power"]);
        Assert.Equal(1, counter.Totals["b/power"]);
    }
}
