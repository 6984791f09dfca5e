using Loos.Edge.Core;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Core.Tests;

public sealed class ReceiveTimeStamperTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(Start);
    private readonly ReceiveTimeStamper stamper = ReceiveTimeStamper.For(new SeriesCatalog());

    private static Reading Unstamped(int series, double value = 0) => new(new SeriesId(series), ReceiveTimeStamper.Unstamped, value);

    private DateTimeOffset[] Stamp(params Reading[] readings)
    {
        stamper.Stamp(readings, time.GetUtcNow());
        return [.. readings.Select(r => r.Timestamp)];
    }

    [Fact]
    public void Stamp_ClockStandsStill_EachReadingOfASeriesOneTickLater()
    {
        var stamps = Enumerable.Range(0, 20).Select(_ => Stamp(Unstamped(3))[0]).ToList();

        Assert.Equal(Enumerable.Range(0, 20).Select(i => Start.AddTicks(i)), stamps);
    }

    [Fact]
    public void Stamp_ClockWentBack_StillAfterTheSeriesPreviousStamp()
    {
        // A system clock stepped back by NTP: FakeTimeProvider cannot go back, so the receive times are given.
        Assert.Equal(Start.AddSeconds(10), StampAt(Start.AddSeconds(10), Unstamped(1)));
        Assert.Equal(Start.AddSeconds(10).AddTicks(1), StampAt(Start, Unstamped(1)));
        Assert.Equal(Start, StampAt(Start, Unstamped(2)));
        Assert.Equal(Start.AddSeconds(20), StampAt(Start.AddSeconds(20), Unstamped(1)));
    }

    private DateTimeOffset StampAt(DateTimeOffset receivedAt, Reading reading)
    {
        Reading[] readings = [reading];
        stamper.Stamp(readings, receivedAt);
        return readings[0].Timestamp;
    }

    [Fact]
    public void Stamp_OneMessageOfSeveralSeries_OneCommonTimeAfterEachSeriesPrevious()
    {
        Stamp(Unstamped(1));
        Stamp(Unstamped(1));

        // Series 1 is two ticks ahead of the clock: the whole message follows it, so its fields stay one point.
        Assert.Equal([Start.AddTicks(2), Start.AddTicks(2), Start.AddTicks(2)], Stamp(Unstamped(0), Unstamped(1), Unstamped(70_000)));
    }

    [Fact]
    public void Stamp_SeriesRepeatedInOneCall_LaterOccurrencesLater()
    {
        Assert.Equal([Start, Start, Start.AddTicks(1), Start.AddTicks(1)], Stamp(Unstamped(1), Unstamped(2), Unstamped(1), Unstamped(2)));
    }

    [Fact]
    public void Stamp_ReadingsWithTheirOwnTime_KeptAsTheyAre()
    {
        var own = new Reading(new SeriesId(1), Start.AddHours(-1), 5);

        Assert.Equal([Start.AddHours(-1), Start], Stamp(own, Unstamped(1)));
        Assert.Equal([Start.AddHours(-1)], Stamp(own));
    }

    [Fact]
    public void For_SameCatalog_SameStamper()
    {
        var catalog = new SeriesCatalog();

        Assert.Same(ReceiveTimeStamper.For(catalog), ReceiveTimeStamper.For(catalog));
        Assert.NotSame(ReceiveTimeStamper.For(catalog), ReceiveTimeStamper.For(new SeriesCatalog()));
    }
}
