using Loos.Edge.Aggregation.Counters;
using Loos.Edge.Aggregation.Heating;
using Loos.Edge.Core;

namespace Loos.Edge.Heating.Tests;

public sealed class HeatingOptionsTests
{
    private static readonly HeatingOptions Options = new()
    {
        CounterWrapsAtKwh = 100_000,
        JitterToleranceKwh = 0.001,
        MeterReplacements =
        [
            new HeatingMeterReplacementOptions { Home = "12", At = new DateTimeOffset(2026, 1, 10, 11, 0, 0, TimeSpan.FromHours(1)), OldFinalKwh = 1_110, NewInitialKwh = 5 },
            new HeatingMeterReplacementOptions { Home = "14", At = new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.FromHours(1)), OldFinalKwh = 800, NewInitialKwh = 0 },
        ],
    };

    [Fact]
    public void CounterRulesFor_HomesHeatMeterInWh_TheSectionsRulesInWh()
    {
        var rules = Options.CounterRulesFor(new SeriesKey("heat_meter", [new Tag("home", "12"), new Tag("device", "home-12")], "energy", "Wh"));

        Assert.NotNull(rules);
        Assert.Equal(100_000_000, rules.WrapsAt);
        Assert.Equal(1, rules.JitterTolerance, 9);
        var replacement = Assert.Single(rules.Replacements);
        Assert.Equal((new DateTimeOffset(2026, 1, 10, 10, 0, 0, TimeSpan.Zero), 1_110_000.0, 5_000.0), (replacement.At.ToUniversalTime(), replacement.OldFinalValue, replacement.NewInitialValue));
    }

    [Theory]
    [InlineData("heat_meter", "volume", "m³")]
    [InlineData("heat_meter", "energy", "J")]
    [InlineData("electricity_meter", "energy", "Wh")]
    public void CounterRulesFor_AnyOtherSeries_None(string measurement, string field, string unit)
    {
        Assert.Null(Options.CounterRulesFor(new SeriesKey(measurement, [new Tag("home", "12")], field, unit)));
    }

    [Fact]
    public void CounterRulesFor_HeatMeterWithoutHome_None()
    {
        Assert.Null(Options.CounterRulesFor(new SeriesKey("heat_meter", [new Tag("device", "cellar")], "energy", "Wh")));
    }
}
