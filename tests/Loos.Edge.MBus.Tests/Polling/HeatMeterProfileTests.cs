using Loos.Edge.Core;
using Loos.Edge.MBus.Master;
using Loos.Edge.MBus.Polling;
using Loos.Edge.Testing;

namespace Loos.Edge.MBus.Tests.Polling;

public sealed class HeatMeterProfileTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [CorpusFact(LibmbusCorpus.Folder)]
    public void Map_KamstrupMultical601_GivesEveryHeatMeterFieldInNormalisedUnits()
    {
        var values = HeatMeterProfile.Map(Readout("kamstrup_multical_601"), Paris);

        // kamstrup_multical_601.norm.xml: the instantaneous records of storage 0, tariff 0, subunit 0.
        Assert.Equal(HeatMeterProfile.Fields, values.Select(v => v.Field));
        AssertValue(values, "energy", "Wh", 37_351_000);
        AssertValue(values, "volume", "m³", 561.08);
        AssertValue(values, "power", "W", 34_700);
        AssertValue(values, "flow", "m³/h", 0.543);
        AssertValue(values, "supply_temperature", "°C", 101.69);
        AssertValue(values, "return_temperature", "°C", 46.16);
        AssertValue(values, "temperature_difference", "K", 55.53);

        // 2011-01-05T15:26 on the meter's clock, Paris winter time (UTC+1).
        var meterTime = Single(values, "meter_time");
        Assert.Equal(new DateTimeOffset(2011, 1, 5, 14, 26, 0, TimeSpan.Zero).ToUnixTimeSeconds(), meterTime.Value);
        Assert.Equal(ValueKind.Integer, meterTime.Kind);
        Assert.Equal((0.0, ValueKind.Integer), (Single(values, "status").Value, Single(values, "status").Kind));
    }

    [CorpusFact(LibmbusCorpus.Folder)]
    public void Map_EngelmannSensoStar2C_TakesTheFirstCurrentVolumeAndSummerTime()
    {
        var values = HeatMeterProfile.Map(Readout("engelmann_sensostar2c"), Paris);

        AssertValue(values, "energy", "Wh", 800_000);
        // The frame holds a second current volume record (0.1 m³) after the meter's volume: the first one is the counter.
        AssertValue(values, "volume", "m³", 12.9);
        AssertValue(values, "power", "W", 0);
        AssertValue(values, "flow", "m³/h", 0);
        AssertValue(values, "supply_temperature", "°C", 95);
        AssertValue(values, "return_temperature", "°C", 43);
        AssertValue(values, "temperature_difference", "K", 52.58);

        // 2012-06-06T20:50 local, Paris summer time (UTC+2).
        Assert.Equal(new DateTimeOffset(2012, 6, 6, 18, 50, 0, TimeSpan.Zero).ToUnixTimeSeconds(), Single(values, "meter_time").Value);
    }

    [CorpusFact(LibmbusCorpus.Folder)]
    public void Map_LandisGyrUltraheatT230_IgnoresStoredDatesAndReadsTheStatusByte()
    {
        var values = HeatMeterProfile.Map(Readout("landis+gyr_ultraheat_t230"), Paris);

        // Its first date-time record is storage 510 (2027-01-01): the meter's clock is the one of storage 0.
        Assert.Equal(new DateTimeOffset(2012, 1, 13, 11, 4, 0, TimeSpan.Zero).ToUnixTimeSeconds(), Single(values, "meter_time").Value);
        Assert.Equal(0x10, Single(values, "status").Value);
        AssertValue(values, "supply_temperature", "°C", 19.5);
        AssertValue(values, "return_temperature", "°C", 19.7);
        AssertValue(values, "temperature_difference", "K", -0.2);
    }

    [CorpusFact(LibmbusCorpus.Folder)]
    public void Map_ElsterF96PlusWithoutPowerAndFlow_GivesOnlyThePresentFields()
    {
        var values = HeatMeterProfile.Map(Readout("ELS_Elster-F96-Plus"), Paris);

        Assert.Equal(
            ["energy", "volume", "supply_temperature", "return_temperature", "temperature_difference", "meter_time", "status"],
            values.Select(v => v.Field));
        AssertValue(values, "supply_temperature", "°C", 22.7);
        AssertValue(values, "return_temperature", "°C", 22.6);
        AssertValue(values, "temperature_difference", "K", 0.1);
        Assert.Equal(0x70, Single(values, "status").Value);
    }

    [CorpusFact(LibmbusCorpus.Folder)]
    public void Map_OtherMeterTimeZone_ShiftsMeterTime()
    {
        var utc = HeatMeterProfile.Map(Readout("kamstrup_multical_601"), TimeZoneInfo.Utc);

        Assert.Equal(new DateTimeOffset(2011, 1, 5, 15, 26, 0, TimeSpan.Zero).ToUnixTimeSeconds(), Single(utc, "meter_time").Value);
    }

    [Theory]
    [InlineData("2024-03-31T02:30:00", "2024-03-31T01:30:00Z")] // skipped by the spring change: standard offset
    [InlineData("2024-10-27T02:30:00", "2024-10-27T01:30:00Z")] // repeated by the autumn change: standard offset
    [InlineData("2024-07-01T12:00", "2024-07-01T10:00:00Z")]
    public void TryReadLocalTime_DaylightSavingChanges_GiveOneInstant(string local, string expected)
    {
        Assert.True(HeatMeterProfile.TryReadLocalTime(local, Paris, out var instant));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), instant);
    }

    [Fact]
    public void TryReadLocalTime_NotADate_IsRejected()
    {
        Assert.False(HeatMeterProfile.TryReadLocalTime("2012-00-00T00:00:00", Paris, out _));
    }

    [CorpusFact(LibmbusCorpus.Folder)]
    public void AllRecords_Kamstrup_NamesFieldsFromFunctionStorageTariffAndSubunit()
    {
        var values = AllRecordsProfile.Map(Readout("kamstrup_multical_601"));

        AssertValue(values, "energy", "Wh", 37_351_000);
        AssertValue(values, "volume_flow", "m³/h", 0.543);
        AssertValue(values, "volume_flow_max", "m³/h", 0.628);
        AssertValue(values, "power_max", "W", 44_800);
        AssertValue(values, "energy_storage1", "Wh", 33_361_000);
        AssertValue(values, "volume_storage1", "m³", 500.98);
        AssertValue(values, "power_max_storage1", "W", 55_000);
        AssertValue(values, "energy_tariff1", "Wh", 0);
        AssertValue(values, "volume_subunit1", "m³", 0);
        AssertValue(values, "flow_temperature", "°C", 101.69);
        AssertValue(values, "on_time", "s", 3_546_000);
        Assert.Equal(ValueKind.Integer, Single(values, "status").Kind);
        // Dates and the manufacturer-specific tail are not numbers.
        Assert.DoesNotContain(values, v => v.Field.Contains("date", StringComparison.Ordinal) || v.Field.Contains("manufacturer", StringComparison.Ordinal));
        Assert.Equal(values.Count, values.Select(v => v.Field).Distinct().Count());
    }

    [Fact]
    public void FieldOf_EveryQualifier_AppendsInOrder()
    {
        var record = new MBusRecord { Quantity = "volumeFlow", Function = MBusFunction.Minimum, Storage = 3, Tariff = 2, Subunit = 1 };

        Assert.Equal("volume_flow_min_storage3_tariff2_subunit1", AllRecordsProfile.FieldOf(record));
        Assert.Equal("energy_error", AllRecordsProfile.FieldOf(new MBusRecord { Quantity = "energy", Function = MBusFunction.ErrorState }));
        Assert.Equal("pulses_in_1", AllRecordsProfile.FieldOf(new MBusRecord { Quantity = "Pulses in #1" }));
    }

    private static MBusReadout Readout(string name)
    {
        var frame = LibmbusCorpus.ReadFrame(Path.Combine(LibmbusCorpus.Path("test-frames"), name + ".hex"));
        return new MBusReadout { Telegrams = [MBusDecoder.Decode(frame)] };
    }

    private static MBusFieldValue Single(IReadOnlyList<MBusFieldValue> values, string field) => Assert.Single(values, v => v.Field == field);

    private static void AssertValue(IReadOnlyList<MBusFieldValue> values, string field, string unit, double expected)
    {
        var value = Single(values, field);
        Assert.Equal(unit, value.Unit);
        Assert.Equal(expected, value.Value, 1e-6);
    }
}
