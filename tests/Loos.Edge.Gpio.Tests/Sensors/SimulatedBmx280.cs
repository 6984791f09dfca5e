using System.Buffers.Binary;
using System.Device.I2c;

namespace Loos.Edge.Gpio.Tests.Sensors;

/// <summary>The trimming parameters a BME280 or BMP280 is programmed with at the factory (datasheet table 16).</summary>
public sealed record Bmx280Calibration(
    ushort T1, short T2, short T3,
    ushort P1, short P2, short P3, short P4, short P5, short P6, short P7, short P8, short P9,
    byte H1, short H2, byte H3, short H4, short H5, sbyte H6)
{
    /// <summary>
    /// The temperature and pressure parameters of the BMP280 datasheet's compensation example (section 3.12), with
    /// the humidity parameters of <see cref="RealDevice"/>.
    /// </summary>
    public static Bmx280Calibration DatasheetExample { get; } = new(
        27504, 26435, -1000,
        36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000,
        75, 357, 0, 322, 0, 30);

    /// <summary>A register dump of a real BME280 breakout board.</summary>
    public static Bmx280Calibration RealDevice { get; } = new(
        28224, 26110, 50,
        37298, -10829, 3024, 11341, -10, -7, 9900, -10230, 4285,
        75, 357, 0, 322, 0, 30);

    /// <summary>The temperature in °C and t_fine for <paramref name="adcTemperature"/> (BME280 datasheet 8.1, double precision).</summary>
    public (double Celsius, int TemperatureFine) CompensateTemperature(int adcTemperature)
    {
        var var1 = (adcTemperature / 16384.0 - T1 / 1024.0) * T2;
        var var2 = (adcTemperature / 131072.0 - T1 / 8192.0) * (adcTemperature / 131072.0 - T1 / 8192.0) * T3;
        return ((var1 + var2) / 5120.0, (int)(var1 + var2));
    }

    /// <summary>The pressure in Pa for <paramref name="adcPressure"/> (BME280 datasheet 8.1, double precision).</summary>
    public double CompensatePressure(int adcPressure, int temperatureFine)
    {
        var var1 = temperatureFine / 2.0 - 64000.0;
        var var2 = var1 * var1 * P6 / 32768.0;
        var2 += var1 * P5 * 2.0;
        var2 = var2 / 4.0 + P4 * 65536.0;
        var1 = (P3 * var1 * var1 / 524288.0 + P2 * var1) / 524288.0;
        var1 = (1.0 + var1 / 32768.0) * P1;
        var p = 1048576.0 - adcPressure;
        p = (p - var2 / 4096.0) * 6250.0 / var1;
        var1 = P9 * p * p / 2147483648.0;
        var2 = p * P8 / 32768.0;
        return p + (var1 + var2 + P7) / 16.0;
    }

    /// <summary>The relative humidity in % for <paramref name="adcHumidity"/> (BME280 datasheet 8.1, double precision).</summary>
    public double CompensateHumidity(int adcHumidity, int temperatureFine)
    {
        var h = temperatureFine - 76800.0;
        h = (adcHumidity - (H4 * 64.0 + H5 / 16384.0 * h)) * (H2 / 65536.0 * (1.0 + H6 / 67108864.0 * h * (1.0 + H3 / 67108864.0 * h)));
        h *= 1.0 - H1 * h / 524288.0;
        return Math.Clamp(h, 0, 100);
    }

    /// <summary>Writes the parameters into the register image: 0x88–0xA1 and 0xE1–0xE7 (datasheet table 16).</summary>
    public void WriteTo(byte[] registers)
    {
        var words = new[] { T1, (ushort)T2, (ushort)T3, P1, (ushort)P2, (ushort)P3, (ushort)P4, (ushort)P5, (ushort)P6, (ushort)P7, (ushort)P8, (ushort)P9 };
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(registers.AsSpan(0x88 + 2 * i), words[i]);
        }

        registers[0xA1] = H1;
        BinaryPrimitives.WriteInt16LittleEndian(registers.AsSpan(0xE1), H2);
        registers[0xE3] = H3;

        // dig_H4 is 0xE4[7:0] and 0xE5[3:0]; dig_H5 is 0xE5[7:4] and 0xE6[7:0].
        registers[0xE4] = (byte)(H4 >> 4);
        registers[0xE5] = (byte)((H4 & 0x0F) | ((H5 & 0x0F) << 4));
        registers[0xE6] = (byte)(H5 >> 4);
        registers[0xE7] = (byte)H6;
    }
}

/// <summary>
/// A Bosch BME280 (chip id 0x60) or BMP280 (0x58) on I²C: a register file with auto-incrementing reads, writes as
/// register/value pairs (datasheet 6.2.1), a forced-mode conversion on a write of ctrl_meas, and raw ADC values chosen
/// so that the datasheet's compensation gives the set temperature, humidity and pressure. Unplugged, every transfer
/// fails as Linux reports a missing acknowledge; plugged back, it starts from its power-on register values.
/// </summary>
public sealed class SimulatedBmx280 : I2cDevice
{
    public const byte Bme280ChipId = 0x60;
    public const byte Bmp280ChipId = 0x58;

    private const byte ChipIdRegister = 0xD0;
    private const byte ResetRegister = 0xE0;
    private const byte ControlHumidityRegister = 0xF2;
    private const byte ControlMeasurementRegister = 0xF4;
    private const byte PressureRegister = 0xF7;
    private const byte TemperatureRegister = 0xFA;
    private const byte HumidityRegister = 0xFD;

    private readonly byte[] registers = new byte[256];
    private readonly byte chipId;
    private byte pointer;
    private bool answering = true;

    public SimulatedBmx280(I2cConnectionSettings settings, byte chipId, Bmx280Calibration calibration)
    {
        ConnectionSettings = settings;
        this.chipId = chipId;
        Calibration = calibration;
        PowerOn();
        Set(21.5, 48.0, 1013.25);
    }

    public override I2cConnectionSettings ConnectionSettings { get; }

    public Bmx280Calibration Calibration { get; }

    public int RawTemperature { get; set; }

    public int RawPressure { get; set; }

    public int RawHumidity { get; set; }

    /// <summary>How many forced conversions the chip made.</summary>
    public int Conversions { get; private set; }

    /// <summary>False while unplugged; plugging it back powers it up afresh.</summary>
    public bool Answering
    {
        get => answering;
        set
        {
            if (value && !answering)
            {
                PowerOn();
            }

            answering = value;
        }
    }

    /// <summary>Chooses the raw values whose compensation is closest to <paramref name="celsius"/>, <paramref name="humidityPercent"/> and <paramref name="pressureHectopascals"/>.</summary>
    public void Set(double celsius, double humidityPercent, double pressureHectopascals)
    {
        RawTemperature = Search(adc => Calibration.CompensateTemperature(adc).Celsius, celsius, (1 << 20) - 1);
        var fine = Calibration.CompensateTemperature(RawTemperature).TemperatureFine;

        // Pressure falls as its ADC value rises.
        RawPressure = Search(adc => -Calibration.CompensatePressure(adc, fine), -pressureHectopascals * 100, (1 << 20) - 1);
        RawHumidity = Search(adc => Calibration.CompensateHumidity(adc, fine), humidityPercent, ushort.MaxValue);
    }

    public override byte ReadByte()
    {
        Span<byte> value = stackalloc byte[1];
        Read(value);
        return value[0];
    }

    public override void Read(Span<byte> buffer)
    {
        ThrowUnlessAnswering();
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = registers[pointer++];
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowUnlessAnswering();
        if (buffer.Length == 0)
        {
            return;
        }

        pointer = buffer[0];
        for (var i = 0; i + 1 < buffer.Length; i += 2)
        {
            WriteRegister(buffer[i], buffer[i + 1]);
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private static int Search(Func<int, double> compensate, double target, int max)
    {
        // The compensation is monotonic in the ADC value over the sensor's range.
        int low = 0, high = max;
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            if (compensate(middle) < target)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low > 0 && Math.Abs(compensate(low - 1) - target) < Math.Abs(compensate(low) - target) ? low - 1 : low;
    }

    private void WriteRegister(byte register, byte value)
    {
        if (register == ResetRegister)
        {
            // Datasheet 5.4.2: only 0xB6 resets.
            if (value == 0xB6)
            {
                PowerOn();
            }

            return;
        }

        if (register is < 0xF2 or > 0xF5 || register == 0xF3)
        {
            return;
        }

        registers[register] = value;
        if (register == ControlMeasurementRegister && (value & 0b11) != 0)
        {
            Convert(value);
        }
    }

    private void Convert(byte controlMeasurement)
    {
        Conversions++;

        // Datasheet 3.5 and 5.4.7-5.4.9: a skipped measurement leaves 0x80000 (0x8000 for humidity) in its data registers.
        var temperature = (controlMeasurement >> 5) == 0 ? 0x80000 : RawTemperature;
        var pressure = ((controlMeasurement >> 2) & 0b111) == 0 ? 0x80000 : RawPressure;
        var humidity = (registers[ControlHumidityRegister] & 0b111) == 0 ? 0x8000 : RawHumidity;
        Write20Bits(PressureRegister, pressure);
        Write20Bits(TemperatureRegister, temperature);
        if (chipId == Bme280ChipId)
        {
            registers[HumidityRegister] = (byte)(humidity >> 8);
            registers[HumidityRegister + 1] = (byte)humidity;
        }

        if ((controlMeasurement & 0b11) != 0b11)
        {
            // Forced mode: back to sleep once the conversion is done.
            registers[ControlMeasurementRegister] = (byte)(controlMeasurement & 0b1111_1100);
        }
    }

    private void Write20Bits(byte register, int value)
    {
        registers[register] = (byte)(value >> 12);
        registers[register + 1] = (byte)(value >> 4);
        registers[register + 2] = (byte)((value & 0x0F) << 4);
    }

    private void PowerOn()
    {
        Array.Clear(registers);
        registers[ChipIdRegister] = chipId;
        Calibration.WriteTo(registers);
        Write20Bits(PressureRegister, 0x80000);
        Write20Bits(TemperatureRegister, 0x80000);
        registers[HumidityRegister] = 0x80;
    }

    private void ThrowUnlessAnswering()
    {
        if (!answering)
        {
            // What System.Device.I2c reports on Linux when no device acknowledges: errno 121, EREMOTEIO.
            throw new IOException("Error 121 performing I2C data transfer.");
        }
    }
}
