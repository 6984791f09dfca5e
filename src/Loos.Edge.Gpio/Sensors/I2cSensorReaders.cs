using System.Device.I2c;
using Iot.Device.Bmxx80;

namespace Loos.Edge.Gpio.Sensors;

/// <summary>
/// The chip binding of an I²C sensor, opened on first use and dropped after any failure, so that a sensor that was
/// unplugged or lost power is probed afresh (chip id, calibration, configuration) at the next read.
/// </summary>
internal abstract class I2cSensorReader<TChip>(Func<I2cDevice> openDevice) : ISensorReader
    where TChip : class, IDisposable
{
    private TChip? chip;
    private I2cDevice? device;

    public bool TryRead(out SensorSample sample, out string problem)
    {
        sample = new SensorSample(double.NaN, double.NaN, double.NaN);
        try
        {
            chip ??= Open();
            if (LostConfiguration(device!))
            {
                Close();
                chip = Open();
            }

            sample = Read(chip);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException or NotImplementedException)
        {
            // IOException: no acknowledge (Linux EREMOTEIO), a wrong chip id or a reply failing its CRC; the others come
            // from a chip answering with registers the binding does not expect, as after a brown-out.
            Close();
            problem = exception.Message;
            return false;
        }

        problem = string.Empty;
        return true;
    }

    public void Dispose() => Close();

    /// <summary>Creates the binding on <paramref name="device"/>, which it then owns.</summary>
    protected abstract TChip Create(I2cDevice device);

    protected abstract SensorSample Read(TChip chip);

    /// <summary>Whether the chip has been reset since the binding set it up (a brown-out that no transfer noticed).</summary>
    protected virtual bool LostConfiguration(I2cDevice device) => false;

    private TChip Open()
    {
        var opened = openDevice();
        try
        {
            var created = Create(opened);
            device = opened;
            return created;
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    private void Close()
    {
        // The binding owns the device and disposes it.
        chip?.Dispose();
        chip = null;
        device = null;
    }
}

/// <summary>Reads a Bosch BME280 or BMP280 through Iot.Device.Bmxx80, in forced mode with the binding's default oversampling (×1).</summary>
internal sealed class Bmx280SensorReader(SensorType type, Func<I2cDevice> openDevice) : I2cSensorReader<Bmx280Base>(openDevice)
{
    protected override Bmx280Base Create(I2cDevice device) =>
        type == SensorType.Bme280 ? new Bme280(device) : new Bmp280(device);

    protected override bool LostConfiguration(I2cDevice device)
    {
        // ctrl_meas (0xF4) and ctrl_hum (0xF2) are 0x00 after power-on (BME280 datasheet table 18): every measurement
        // skipped. The data registers then hold 0x80000, which the compensation turns into plausible values (about
        // 22 °C and 570 hPa), so a chip found in that state is set up again before it is read.
        device.WriteByte(0xF4);
        var measurementSkipped = (device.ReadByte() & 0b1111_1100) == 0;
        if (type != SensorType.Bme280 || measurementSkipped)
        {
            return measurementSkipped;
        }

        device.WriteByte(0xF2);
        return (device.ReadByte() & 0b111) == 0;
    }

    protected override SensorSample Read(Bmx280Base chip)
    {
        if (chip is Bme280 bme280)
        {
            var result = bme280.Read();
            return new SensorSample(
                result.Temperature?.DegreesCelsius ?? double.NaN,
                result.Humidity?.Percent ?? double.NaN,
                result.Pressure?.Hectopascals ?? double.NaN);
        }

        var bmp280 = ((Bmp280)chip).Read();
        return new SensorSample(bmp280.Temperature?.DegreesCelsius ?? double.NaN, double.NaN, bmp280.Pressure?.Hectopascals ?? double.NaN);
    }
}

/// <summary>Reads a Sensirion SHT3x through Iot.Device.Sht3x, at high repeatability.</summary>
internal sealed class Sht3xSensorReader(Func<I2cDevice> openDevice) : I2cSensorReader<Iot.Device.Sht3x.Sht3x>(openDevice)
{
    protected override Iot.Device.Sht3x.Sht3x Create(I2cDevice device) =>
        new(new Sht3xCrcCheckedDevice(device), Iot.Device.Sht3x.Resolution.High);

    protected override SensorSample Read(Iot.Device.Sht3x.Sht3x chip)
    {
        // Each property starts its own measurement (SHT3x-DIS datasheet 4.3, single shot).
        var celsius = chip.Temperature.DegreesCelsius;
        var percent = chip.Humidity.Percent;
        return new SensorSample(celsius, percent, double.NaN);
    }
}

/// <summary>Opens the reader of each sensor type on the real buses, or on the ones a test or demo gives.</summary>
/// <param name="oneWireDevicesPath">Where the w1 devices are listed; <see cref="OneWireThermometerReader.DefaultDevicesPath"/> on a gateway.</param>
/// <param name="openI2cDevice">Opens an I²C device; <see cref="I2cDevice.Create"/> on a gateway.</param>
internal sealed class SensorReaderFactory(string oneWireDevicesPath, Func<I2cConnectionSettings, I2cDevice> openI2cDevice) : ISensorReaderFactory
{
    /// <summary>The kernel's 1-Wire sysfs tree and <c>/dev/i2c-N</c>.</summary>
    public static SensorReaderFactory Hardware() => new(OneWireThermometerReader.DefaultDevicesPath, I2cDevice.Create);

    public ISensorReader Create(SensorPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Func<I2cDevice> open = () => openI2cDevice(new I2cConnectionSettings(plan.I2cBus, plan.I2cAddress));
        return plan.Type switch
        {
            SensorType.Ds18b20 => new OneWireThermometerReader(oneWireDevicesPath, plan.OneWireBusId!, plan.OneWireDeviceId!),
            SensorType.Bme280 or SensorType.Bmp280 => new Bmx280SensorReader(plan.Type, open),
            SensorType.Sht3x => new Sht3xSensorReader(open),
            _ => throw new ArgumentOutOfRangeException(nameof(plan), plan.Type, "Unknown sensor type."),
        };
    }
}
