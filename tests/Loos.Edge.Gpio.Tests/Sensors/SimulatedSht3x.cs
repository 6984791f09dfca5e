using System.Device.I2c;

namespace Loos.Edge.Gpio.Tests.Sensors;

/// <summary>
/// A Sensirion SHT3x on I²C: 16-bit commands (soft reset 0x30A2, single-shot measurements 0x2Cxx and 0x24xx, heater),
/// and a six-byte reply of temperature and humidity words, each followed by its CRC-8 (polynomial 0x31, init 0xff,
/// datasheet 4.12). Unplugged, every transfer fails as Linux reports a missing acknowledge.
/// </summary>
public sealed class SimulatedSht3x(I2cConnectionSettings settings) : I2cDevice
{
    private byte[]? reply;

    public override I2cConnectionSettings ConnectionSettings { get; } = settings;

    public double TemperatureCelsius { get; set; } = 21.5;

    public double HumidityPercent { get; set; } = 48.0;

    public bool Answering { get; set; } = true;

    /// <summary>Spoils the CRC of the temperature word of the next reply, as noise on a long cable does.</summary>
    public bool CorruptNextReply { get; set; }

    public int Measurements { get; private set; }

    /// <summary>The SHT3x CRC-8 (datasheet 4.12, example CRC(0xBEEF) = 0x92).</summary>
    public static byte Crc8(byte msb, byte lsb)
    {
        byte crc = 0xFF;
        foreach (var value in new[] { msb, lsb })
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80) != 0 ? (byte)((crc << 1) ^ 0x31) : (byte)(crc << 1);
            }
        }

        return crc;
    }

    public override byte ReadByte() => throw new IOException("An SHT3x has no single-byte reads.");

    public override void Read(Span<byte> buffer)
    {
        ThrowUnlessAnswering();
        if (reply is null)
        {
            // Datasheet 4.3: read before a measurement is ready is not acknowledged.
            throw new IOException("Error 121 performing I2C data transfer.");
        }

        reply.AsSpan(0, Math.Min(buffer.Length, reply.Length)).CopyTo(buffer);
        reply = null;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowUnlessAnswering();
        if (buffer.Length < 2)
        {
            throw new IOException("Error 121 performing I2C data transfer.");
        }

        var command = (buffer[0] << 8) | buffer[1];
        if (buffer[0] is 0x2C or 0x24)
        {
            Measure();
        }
        else if (command is 0x30A2 or 0x306D or 0x3066)
        {
            reply = null;
        }
        else
        {
            throw new IOException($"Error 121 performing I2C data transfer (command 0x{command:X4} not acknowledged).");
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private void Measure()
    {
        Measurements++;

        // Datasheet 4.13: T = -45 + 175 St / (2^16 - 1), RH = 100 Srh / (2^16 - 1).
        var temperature = (ushort)Math.Round((TemperatureCelsius + 45) / 175 * 65535);
        var humidity = (ushort)Math.Round(HumidityPercent / 100 * 65535);
        reply =
        [
            (byte)(temperature >> 8), (byte)temperature, Crc8((byte)(temperature >> 8), (byte)temperature),
            (byte)(humidity >> 8), (byte)humidity, Crc8((byte)(humidity >> 8), (byte)humidity),
        ];
        if (CorruptNextReply)
        {
            CorruptNextReply = false;
            reply[2] ^= 0x01;
        }
    }

    private void ThrowUnlessAnswering()
    {
        if (!Answering)
        {
            throw new IOException("Error 121 performing I2C data transfer.");
        }
    }
}
