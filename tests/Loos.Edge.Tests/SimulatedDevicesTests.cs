using Loos.Edge.Simulation;

namespace Loos.Edge.Tests;

public sealed class SimulatedDevicesTests
{
    [Fact]
    public void NextTick_AlignsToTheWallClock()
    {
        var now = new DateTimeOffset(2026, 1, 15, 10, 7, 3, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 1, 15, 10, 7, 5, TimeSpan.Zero), SimulatedDevices.NextTick(now, TimeSpan.FromSeconds(5)));
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 10, 15, 0, TimeSpan.Zero), SimulatedDevices.NextTick(now, TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public void Site_WinterAndSummer_HeatingAndProductionFollowTheSeason()
    {
        var site = new SimulatedSite(new SimulationOptions());
        var home = new SimulatedHome { Name = "a", HeatLossWattsPerKelvin = 45 };
        var januaryNoon = new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
        var julyNoon = new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.Zero);
        var julyMidnight = new DateTimeOffset(2026, 7, 15, 0, 0, 0, TimeSpan.Zero);

        Assert.True(SimulatedSite.HeatingWatts(home, site.OutdoorCelsius(januaryNoon)) > 300);
        Assert.True(site.OutdoorCelsius(julyNoon) > site.OutdoorCelsius(januaryNoon) + 10);
        Assert.True(site.InverterWatts(julyNoon) > site.InverterWatts(januaryNoon));
        Assert.Equal(0, site.InverterWatts(julyMidnight));
    }

    [Fact]
    public void Counter_ReadLiveOrAfterARestart_SameValueAtTheSameInstant()
    {
        var site = new SimulatedSite(new SimulationOptions());
        var home = new SimulatedHome { Name = "a", HeatLossWattsPerKelvin = 20 };
        var anchor = new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);
        var live = new SimulatedCounter(t => SimulatedSite.HeatingWatts(home, site.OutdoorCelsius(t)), anchor, 1_000_000);
        var instant = new DateTimeOffset(2026, 12, 5, 10, 7, 35, TimeSpan.Zero);

        var previous = 0.0;
        for (var t = instant.AddHours(-30); t <= instant; t = t.AddSeconds(5))
        {
            var value = live.ValueAt(t);
            Assert.True(value >= previous, $"the counter went back at {t:u}");
            previous = value;
        }

        var restarted = new SimulatedCounter(t => SimulatedSite.HeatingWatts(home, site.OutdoorCelsius(t)), anchor, 1_000_000);
        Assert.Equal(previous, restarted.ValueAt(instant), precision: 6);

        // An instant before the cached step reads from the anchor again, the value of a fresh counter.
        Assert.Equal(restarted.ValueAt(instant.AddDays(-30)), live.ValueAt(instant.AddDays(-30)), precision: 6);
    }

    [Fact]
    public void CounterAnchor_WithAHistory_IsTheHeatingYearsStartBeforeIt()
    {
        var start = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(start, SimulatedDevices.CounterAnchor(start, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero), SimulatedDevices.CounterAnchor(start, TimeSpan.FromDays(90)));
        Assert.Equal(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero), SimulatedDevices.CounterAnchor(start, TimeSpan.FromDays(183)));
    }
}
