using System.Device.I2c;

namespace Loos.Edge.Gpio.Sensors;

/// <summary>
/// Passes an SHT3x's I²C traffic through and checks the CRC of each measurement reply: Iot.Device.Sht3x keeps its
/// previous values when a CRC fails, which would write an old value with a fresh timestamp.
/// </summary>
internal sealed class Sht3xCrcCheckedDevice(I2cDevice inner) : I2cDevice
{
    /// <summary>A measurement reply: temperature word, CRC, humidity word, CRC (SHT3x-DIS datasheet 4.4).</summary>
    private const int ReplyLength = 6;

    public override I2cConnectionSettings ConnectionSettings => inner.ConnectionSettings;

    public override byte ReadByte() => inner.ReadByte();

    public override void Read(Span<byte> buffer)
    {
        inner.Read(buffer);
        Check(buffer);
    }

    public override void WriteByte(byte value) => inner.WriteByte(value);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        inner.WriteRead(writeBuffer, readBuffer);
        Check(readBuffer);
    }

    /// <summary>
    /// The SHT3x CRC-8 of <paramref name="word"/>: polynomial 0x31, initial value 0xff, no reflection, no final xor
    /// (SHT3x-DIS datasheet table 20; CRC(0xbeef) = 0x92).
    /// </summary>
    public static byte Crc8(ReadOnlySpan<byte> word)
    {
        byte crc = 0xFF;
        foreach (var value in word)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80) != 0 ? (byte)((crc << 1) ^ 0x31) : (byte)(crc << 1);
            }
        }

        return crc;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static void Check(ReadOnlySpan<byte> reply)
    {
        if (reply.Length != ReplyLength)
        {
            return;
        }

        if (Crc8(reply[..2]) != reply[2] || Crc8(reply[3..5]) != reply[5])
        {
            throw new IOException($"SHT3x reply {Convert.ToHexString(reply)} failed its CRC-8 check");
        }
    }
}
