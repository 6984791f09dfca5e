using Loos.Edge.Core;
using Loos.Edge.Lighting.Dispatch;

namespace Loos.Edge.Lighting.Tests;

/// <summary>The controllers' status as the dispatcher reads it: the level reported, and the energy metered from the power reported.</summary>
public sealed class ControllerStatusTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 17, 0, 0, TimeSpan.Zero);
    private readonly SeriesCatalog catalog = new();
    private readonly ControllerStatus status;

    public ControllerStatusTests() => status = new ControllerStatus(catalog, [("lighting", "level")]);

    [Fact]
    public void Level_IsTheLastReported_WithWhenItArrived()
    {
        status.Take([Reading("level", T0, 40), Reading("level", T0.AddSeconds(5), 50)], T0.AddSeconds(6));

        var report = status.Latest("armoire-12", "l01");
        Assert.Equal(50, report!.Level);
        Assert.Equal(T0.AddSeconds(5), report.LevelAt);
        Assert.Equal(T0.AddSeconds(6), report.LevelReceivedAt);
        Assert.Null(status.Latest("armoire-12", "l02"));
    }

    [Fact]
    public void Energy_EachPowerHeldUntilTheNext_ButNotAcrossASilence()
    {
        // 60 W for 30 min, then 30 W for 30 min: 45 Wh; then 45 minutes without a report: not guessed.
        status.Take([Reading("power", T0, 60), Reading("power", T0.AddMinutes(30), 30), Reading("power", T0.AddMinutes(60), 30)], T0);
        status.Take([Reading("power", T0.AddMinutes(105), 30)], T0);

        Assert.Equal(45, status.DrainEnergyWh("armoire-12", "l01")!.Value, 9);
        Assert.Null(status.DrainEnergyWh("armoire-12", "l01"));
    }

    [Fact]
    public void OtherSeries_AreIgnored()
    {
        var other = catalog.Intern(new SeriesKey("heat_meter", [new Tag("controller", "armoire-12"), new Tag("luminaire", "l01")], "level"));
        status.Take([new Reading(other, T0, 99)], T0);

        Assert.Null(status.Latest("armoire-12", "l01"));
    }

    private Reading Reading(string field, DateTimeOffset at, double value) =>
        new(catalog.Intern(new SeriesKey("lighting", [new Tag("controller", "armoire-12"), new Tag("luminaire", "l01")], field)), at, value);
}
