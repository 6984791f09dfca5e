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
}
