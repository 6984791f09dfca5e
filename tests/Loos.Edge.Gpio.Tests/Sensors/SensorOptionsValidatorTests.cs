using Loos.Edge.Core;
using Loos.Edge.Gpio.Sensors;

namespace Loos.Edge.Gpio.Tests.Sensors;

public sealed class SensorOptionsValidatorTests
{
    [Fact]
    public void Check_PipeThermometerAndFlatSensor_NoProblems()
    {
        var options = Gpio(
            new SensorOptions { Name = "heating-flow", Type = "ds18b20", DeviceId = "28-0316a2795aff" },
            new SensorOptions { Name = "flat-12", Type = "bme280", Address = "0x76", Home = "12", Interval = TimeSpan.FromMinutes(5) },
            new SensorOptions { Name = "cellar", Type = "sht3x", Bus = 1, Address = "69" });

        Assert.Empty(SensorOptionsValidator.Check(options));
        Assert.Empty(GpioOptionsValidator.Check(options));
    }

    [Fact]
    public void Plan_Defaults_BusAddressMeasurementAndTags()
    {
        var problems = new ConfigurationProblems();
        var plans = SensorPlanner.Plan(Gpio(
            new SensorOptions { Name = "heating-flow", Type = "DS18B20", DeviceId = "28-0316A2795AFF" },
            new SensorOptions { Name = "flat-12", Type = "bme280", Home = "12", Tags = { ["room"] = "living" } },
            new SensorOptions { Name = "bathroom", Type = "sht3x", Address = "0x45" }), problems);

        Assert.Empty(problems);
        Assert.Equal(("w1_bus_master1", "28-0316a2795aff"), (plans[0].Bus, plans[0].Address));
        Assert.Equal(("i2c-1", "0x76", 1, 0x76), (plans[1].Bus, plans[1].Address, plans[1].I2cBus, plans[1].I2cAddress));
        Assert.Equal(("i2c-1", "0x45"), (plans[2].Bus, plans[2].Address));
        Assert.Equal(TimeSpan.FromMinutes(1), plans[0].Interval);
        var humidity = plans[1].SeriesOf(SensorQuantity.Humidity);
        Assert.Equal(("environment", "humidity", "%", "flat-12", "12", "living"),
            (humidity.Measurement, humidity.Field, humidity.Unit, humidity.GetTag("device"), humidity.GetTag("home"), humidity.GetTag("room")));
        Assert.Equal(("temperature", "°C"), (plans[0].SeriesOf(SensorQuantity.Temperature).Field, plans[0].SeriesOf(SensorQuantity.Temperature).Unit));
        Assert.Equal(("pressure", "hPa"), (plans[1].SeriesOf(SensorQuantity.Pressure).Field, plans[1].SeriesOf(SensorQuantity.Pressure).Unit));
        Assert.Equal([SensorQuantity.Temperature, SensorQuantity.Humidity, SensorQuantity.Pressure], plans[1].Quantities);
    }

    [Theory]
    [InlineData("0x76", 0x76)]
    [InlineData("0X77", 0x77)]
    [InlineData("118", 118)]
    [InlineData(" 119 ", 119)]
    public void TryParseAddress_HexOrDecimal(string text, int expected)
    {
        Assert.True(SensorPlanner.TryParseAddress(text, out var address));
        Assert.Equal(expected, address);
    }

    [Theory]
    [InlineData("bme280", "0x40", "gpio:sensors:0:address: 0x40 is not an address of a bme280 (0x76, 0x77)")]
    [InlineData("sht3x", "0x76", "gpio:sensors:0:address: 0x76 is not an address of a sht3x (0x44, 0x45)")]
    [InlineData("bmp280", "0xZZ", "gpio:sensors:0:address: '0xZZ' is not an I²C address (hexadecimal such as 0x76, or decimal such as 118)")]
    [InlineData("bme280", "-118", "gpio:sensors:0:address: '-118' is not an I²C address (hexadecimal such as 0x76, or decimal such as 118)")]
    public void Check_BadAddress_ProblemWithKeyPath(string type, string address, string expected)
    {
        var problems = SensorOptionsValidator.Check(Gpio(new SensorOptions { Name = "flat-12", Type = type, Address = address }));

        Assert.Equal([expected], problems);
    }

    [Fact]
    public void Check_TwoSensorsAtTheSameBusAndAddress_ProblemNamesTheOther()
    {
        var problems = SensorOptionsValidator.Check(Gpio(
            new SensorOptions { Name = "flat-12", Type = "bme280", Address = "0x76" },
            new SensorOptions { Name = "flat-14", Type = "bmp280", Address = "118" },
            new SensorOptions { Name = "flat-16", Type = "bme280", Bus = 3, Address = "0x76" }));

        Assert.Equal(["gpio:sensors:1:address: 0x76 on I²C bus 1 is also the address of sensor 'flat-12'"], problems);
    }

    [Fact]
    public void Check_DuplicateNameAndOneWireDevice_Problems()
    {
        var problems = SensorOptionsValidator.Check(Gpio(
            new SensorOptions { Name = "pipe", Type = "ds18b20", DeviceId = "28-0316a2795aff" },
            new SensorOptions { Name = "pipe", Type = "ds18b20", DeviceId = "28-0316A2795AFF" }));

        Assert.Equal(
        [
            "gpio:sensors:1:name 'pipe' is also the name of gpio:sensors:0",
            "gpio:sensors:1:deviceId: 28-0316a2795aff is also sensor 'pipe'",
        ], problems);
    }

    [Fact]
    public void Check_UnknownAndMissingType_Problems()
    {
        var problems = SensorOptionsValidator.Check(Gpio(
            new SensorOptions { Name = "a", Type = "dht22" },
            new SensorOptions { Name = "b" }));

        Assert.Equal(
        [
            "gpio:sensors:0:type: 'dht22' is not one of ds18b20, bme280, bmp280, sht3x",
            "gpio:sensors:1:type is required: one of ds18b20, bme280, bmp280, sht3x",
        ], problems);
    }

    [Fact]
    public void Check_OneWireMistakes_ProblemsWithKeyPaths()
    {
        var problems = SensorOptionsValidator.Check(Gpio(
            new SensorOptions { Type = "ds18b20" },
            new SensorOptions { Name = "b", Type = "ds18b20", DeviceId = "280316a2795aff", BusId = "w1_bus_master" },
            new SensorOptions { Name = "c", Type = "ds18b20", DeviceId = "01-0316a2795aff", Address = "0x76" },
            new SensorOptions { Name = "d", Type = "bme280", DeviceId = "28-0316a2795aff" }));

        Assert.Equal(
        [
            "gpio:sensors:0:name is required",
            "gpio:sensors:0:deviceId is required: the directory name under /sys/bus/w1/devices, e.g. 28-0316a2795aff",
            "gpio:sensors:1:busId: 'w1_bus_master' is not a 1-Wire bus master name (w1_bus_master1, w1_bus_master2, …)",
            "gpio:sensors:1:deviceId: '280316a2795aff' is not a 1-Wire device id (two hex digits of family, '-', twelve hex digits of serial number, e.g. 28-0316a2795aff)",
            "gpio:sensors:2:address applies to I²C sensors; a 1-Wire sensor is found by its deviceId (e.g. 28-0316a2795aff)",
            "gpio:sensors:2:deviceId: family 01 is not a thermometer (a DS18B20 is family 28)",
            "gpio:sensors:3:deviceId applies to 1-Wire sensors; an I²C sensor is found by bus and address",
        ], problems);
    }

    [Fact]
    public void Check_IntervalTagsOffsetsMeasurement_ProblemsWithKeyPaths()
    {
        var sensor = new SensorOptions
        {
            Name = "pipe",
            Type = "ds18b20",
            DeviceId = "28-0316a2795aff",
            Interval = TimeSpan.Zero,
            Measurement = " ",
            Tags = { ["home"] = "12", ["room"] = "" },
            Offset = { Temperature = -0.4, Humidity = 2 },
        };

        var problems = SensorOptionsValidator.Check(Gpio(sensor));

        Assert.Equal(
        [
            "gpio:sensors:0:interval must be positive",
            "gpio:sensors:0:measurement must not be empty (default environment)",
            "gpio:sensors:0:tags:home: the home tag comes from the sensor's home key",
            "gpio:sensors:0:tags:room must have a non-empty name and value",
            "gpio:sensors:0:offset:humidity: a ds18b20 measures no humidity",
        ], problems);
    }

    private static GpioOptions Gpio(params SensorOptions[] sensors)
    {
        var options = new GpioOptions();
        options.Sensors.AddRange(sensors);
        return options;
    }
}
