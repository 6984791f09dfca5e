using System.Device.I2c;
using Loos.Edge.Gpio.Sensors;

namespace Loos.Edge.Gpio.Tests.Sensors;

public sealed class I2cSensorReaderTests
{
    private static readonly I2cConnectionSettings At76 = new(1, 0x76);
    private static readonly I2cConnectionSettings At44 = new(1, 0x44);

    [Fact]
    public void Bme280_DatasheetCompensationExample_GivesTheDatasheetTemperatureAndPressure()
    {
        var chip = new SimulatedBmx280(At76, SimulatedBmx280.Bme280ChipId, Bmx280Calibration.DatasheetExample)
        {
            // BMP280 datasheet 3.12: adc_T 519888 gives 25.08 °C (t_fine 128422), adc_P 415148 gives 100653 Pa.
            RawTemperature = 519888,
            RawPressure = 415148,
        };
        using var reader = new Bmx280SensorReader(SensorType.Bme280, () => chip);

        Assert.True(reader.TryRead(out var sample, out var problem), problem);

        Assert.Equal(25.08, sample.TemperatureCelsius, 0.005);
        Assert.Equal(1006.53, sample.PressureHectopascals, 0.005);
        Assert.Equal(
            Bmx280Calibration.DatasheetExample.CompensateHumidity(chip.RawHumidity, 128422),
            sample.HumidityPercent,
            0.01);
    }

    [Theory]
    [InlineData(21.5, 48.0, 1013.25)]
    [InlineData(-12.3, 91.0, 987.6)]
    [InlineData(35.0, 12.5, 1032.0)]
    public void Bme280_RealCalibration_ReadsTheSetTemperatureHumidityAndPressure(double celsius, double percent, double hectopascals)
    {
        var chip = new SimulatedBmx280(At76, SimulatedBmx280.Bme280ChipId, Bmx280Calibration.RealDevice);
        chip.Set(celsius, percent, hectopascals);
        using var reader = new Bmx280SensorReader(SensorType.Bme280, () => chip);

        Assert.True(reader.TryRead(out var sample, out var problem), problem);

        Assert.Equal(celsius, sample.TemperatureCelsius, 0.01);
        Assert.Equal(percent, sample.HumidityPercent, 0.05);
        Assert.Equal(hectopascals, sample.PressureHectopascals, 0.01);
        Assert.Equal(1, chip.Conversions);
    }

    [Fact]
    public void Bmp280_ReadsTemperatureAndPressureAndNoHumidity()
    {
        var chip = new SimulatedBmx280(At76, SimulatedBmx280.Bmp280ChipId, Bmx280Calibration.RealDevice);
        chip.Set(19.75, 0, 1001.5);
        using var reader = new Bmx280SensorReader(SensorType.Bmp280, () => chip);

        Assert.True(reader.TryRead(out var sample, out var problem), problem);

        Assert.Equal(19.75, sample.TemperatureCelsius, 0.01);
        Assert.Equal(1001.5, sample.PressureHectopascals, 0.01);
        Assert.True(double.IsNaN(sample.HumidityPercent));
    }

    [Fact]
    public void Bme280_ChipIdOfABmp280_IsAProblem()
    {
        var chip = new SimulatedBmx280(At76, SimulatedBmx280.Bmp280ChipId, Bmx280Calibration.RealDevice);
        using var reader = new Bmx280SensorReader(SensorType.Bme280, () => chip);

        Assert.False(reader.TryRead(out var sample, out var problem));

        Assert.Contains("96", problem, StringComparison.Ordinal); // the binding names the expected id, 0x60
        Assert.True(double.IsNaN(sample.TemperatureCelsius));
    }

    [Fact]
    public void Bme280_UnpluggedThenPluggedBack_ProblemThenReadsAgainWithAFreshBinding()
    {
        var chip = new SimulatedBmx280(At76, SimulatedBmx280.Bme280ChipId, Bmx280Calibration.RealDevice);
        var opened = 0;
        using var reader = new Bmx280SensorReader(SensorType.Bme280, () =>
        {
            opened++;
            return chip;
        });
        Assert.True(reader.TryRead(out _, out _));

        chip.Answering = false;
        Assert.False(reader.TryRead(out var missing, out var problem));
        Assert.Contains("121", problem, StringComparison.Ordinal);
        Assert.True(double.IsNaN(missing.PressureHectopascals));
        Assert.False(reader.TryRead(out _, out _));

        // Plugged back, the chip has lost its configuration: the reader sets it up again.
        chip.Answering = true;
        chip.Set(22.0, 55.0, 1010.0);
        Assert.True(reader.TryRead(out var back, out problem), problem);
        Assert.Equal(22.0, back.TemperatureCelsius, 0.01);
        Assert.Equal(55.0, back.HumidityPercent, 0.05);
        Assert.Equal(1010.0, back.PressureHectopascals, 0.01);
        Assert.Equal(3, opened);
    }

    [Fact]
    public void Bme280_PowerCycledBetweenTwoReads_SetUpAgainAndReadsTheNewValues()
    {
        var chip = new SimulatedBmx280(At76, SimulatedBmx280.Bme280ChipId, Bmx280Calibration.RealDevice);
        using var reader = new Bmx280SensorReader(SensorType.Bme280, () => chip);
        Assert.True(reader.TryRead(out _, out _));

        // A brown-out no transfer noticed: the chip is back at its power-on registers, every measurement skipped.
        chip.Answering = false;
        chip.Answering = true;
        chip.Set(30.0, 70.0, 990.0);

        Assert.True(reader.TryRead(out var sample, out var problem), problem);
        Assert.Equal(30.0, sample.TemperatureCelsius, 0.01);
        Assert.Equal(70.0, sample.HumidityPercent, 0.05);
        Assert.Equal(990.0, sample.PressureHectopascals, 0.01);
    }

    [Fact]
    public void Sht3x_ReadsTheSetTemperatureAndHumidity()
    {
        var chip = new SimulatedSht3x(At44) { TemperatureCelsius = 23.4, HumidityPercent = 61.2 };
        using var reader = new Sht3xSensorReader(() => chip);

        Assert.True(reader.TryRead(out var sample, out var problem), problem);

        // The binding rounds to 0.1.
        Assert.Equal(23.4, sample.TemperatureCelsius, 0.05);
        Assert.Equal(61.2, sample.HumidityPercent, 0.05);
        Assert.True(double.IsNaN(sample.PressureHectopascals));
    }

    [Fact]
    public void Sht3x_ReplyFailingItsCrc_IsAProblemNotThePreviousValue()
    {
        var chip = new SimulatedSht3x(At44) { TemperatureCelsius = 20.0 };
        using var reader = new Sht3xSensorReader(() => chip);
        Assert.True(reader.TryRead(out _, out _));
        chip.TemperatureCelsius = 24.0;
        chip.CorruptNextReply = true;

        Assert.False(reader.TryRead(out var sample, out var problem));

        Assert.Contains("CRC", problem, StringComparison.Ordinal);
        Assert.True(double.IsNaN(sample.TemperatureCelsius));
        Assert.True(reader.TryRead(out sample, out _));
        Assert.Equal(24.0, sample.TemperatureCelsius, 0.05);
    }

    [Fact]
    public void Sht3x_UnpluggedThenPluggedBack_ProblemThenReadsAgain()
    {
        var chip = new SimulatedSht3x(At44);
        using var reader = new Sht3xSensorReader(() => chip);
        chip.Answering = false;

        Assert.False(reader.TryRead(out _, out var problem));
        Assert.Contains("121", problem, StringComparison.Ordinal);

        chip.Answering = true;
        Assert.True(reader.TryRead(out var sample, out problem), problem);
        Assert.Equal(21.5, sample.TemperatureCelsius, 0.05);
    }

    [Fact]
    public void Crc8_DatasheetExample_Is0x92()
    {
        // SHT3x-DIS datasheet table 20: CRC(0xBEEF) = 0x92.
        Assert.Equal(0x92, Sht3xCrcCheckedDevice.Crc8([0xBE, 0xEF]));
        Assert.Equal(0x92, SimulatedSht3x.Crc8(0xBE, 0xEF));
    }
}
