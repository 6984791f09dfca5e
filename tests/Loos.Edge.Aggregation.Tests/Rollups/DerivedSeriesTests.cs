using Loos.Edge.Aggregation.Rollups;
using Loos.Edge.Core;

namespace Loos.Edge.Aggregation.Tests.Rollups;

public sealed class DerivedSeriesTests
{
    [Fact]
    public void For_HeatMeterEnergy_SixSeriesInTheWindowsMeasurement()
    {
        var source = new SeriesKey("heat_meter", [new Tag("home", "12")], "energy", "Wh");

        var keys = DerivedSeries.For(source, RollupWindow.Day);

        Assert.All(keys, key => Assert.Equal(("heat_meter_1d", "12"), (key.Measurement, key.GetTag("home"))));
        Assert.Equal(["energy_count", "energy_min", "energy_max", "energy_mean", "energy_last", "energy_increase"], keys.Select(k => k.Field));
        Assert.Equal(["", "Wh", "Wh", "Wh", "Wh", "Wh"], keys.Select(k => k.Unit));
        Assert.Equal(ValueKind.Integer, keys[0].Kind);
    }

    [Theory]
    [InlineData("heat_meter_15m", true)]
    [InlineData("weather_1d", true)]
    [InlineData("heating", true)]
    [InlineData("heating_daily", true)]
    [InlineData("heat_meter", false)]
    [InlineData("pv_1d_total", false)]
    [InlineData("_1h", false)]
    public void IsDerived_WhatTheGatewayComputed_IsNeverRolledUpAgain(string measurement, bool derived) =>
        Assert.Equal(derived, DerivedSeries.IsDerived(measurement));
}
