using System.Globalization;
using System.Text;

namespace Loos.Edge.Gpio.Tests.Sensors;

/// <summary>
/// A temporary stand-in for <c>/sys/bus/w1/devices</c>: <c>{bus}/{device}/w1_slave</c> files written in the exact
/// format of the kernel's w1_therm driver (drivers/w1/slaves/w1_therm.c, <c>w1_slave_show</c>).
/// </summary>
public sealed class W1Devices : IDisposable
{
    public W1Devices()
    {
        Root = Path.Combine(Path.GetTempPath(), "loos-edge-w1-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>The Dallas/Maxim 1-Wire CRC-8: x^8 + x^5 + x^4 + 1, LSB first, initial value 0 (DS18B20 datasheet figure 11).</summary>
    public static byte Crc8(ReadOnlySpan<byte> data)
    {
        byte crc = 0;
        foreach (var value in data)
        {
            var current = value;
            for (var bit = 0; bit < 8; bit++)
            {
                var mix = (byte)((crc ^ current) & 0x01);
                crc >>= 1;
                if (mix != 0)
                {
                    crc ^= 0x8C;
                }

                current >>= 1;
            }
        }

        return crc;
    }

    /// <summary>The scratchpad of a 12-bit DS18B20 holding <paramref name="celsius"/> (datasheet figure 9), with its CRC.</summary>
    public static byte[] Scratchpad(double celsius, byte reserved6 = 0)
    {
        var raw = (short)Math.Round(celsius * 16);
        var bytes = new byte[9];
        bytes[0] = (byte)raw;
        bytes[1] = (byte)(raw >> 8);
        bytes[2] = 0x4B; // TH
        bytes[3] = 0x46; // TL
        bytes[4] = 0x7F; // 12-bit resolution
        bytes[5] = 0xFF;
        bytes[6] = reserved6 != 0 ? reserved6 : (byte)(0x10 - (raw & 0x0F));
        bytes[7] = 0x10;
        bytes[8] = Crc8(bytes.AsSpan(0, 8));
        return bytes;
    }

    /// <summary>What w1_slave shows for <paramref name="scratchpad"/>: the driver checks the CRC and prints t in m°C.</summary>
    public static string Text(byte[] scratchpad, bool? crcVerdict = null)
    {
        var hex = new StringBuilder();
        foreach (var value in scratchpad)
        {
            hex.Append(CultureInfo.InvariantCulture, $"{value:x2} ");
        }

        var crc = Crc8(scratchpad.AsSpan(0, 8));
        var verdict = crcVerdict ?? crc == scratchpad[8];
        var raw = (short)(scratchpad[0] | (scratchpad[1] << 8));
        var millicelsius = raw * 1000 / 16;
        return $"{hex}: crc={crc:x2} {(verdict ? "YES" : "NO")}\n{hex}t={millicelsius}\n";
    }

    public string PathOf(string bus, string device) => Path.Combine(Root, bus, device, "w1_slave");

    public void WriteText(string bus, string device, string text)
    {
        var path = PathOf(bus, device);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>A sensor at <paramref name="celsius"/>.</summary>
    public void Write(string bus, string device, double celsius) => WriteText(bus, device, Text(Scratchpad(celsius)));

    /// <summary>A sensor whose scratchpad arrived with a flipped bit: the driver prints NO.</summary>
    public void WriteCrcMismatch(string bus, string device, double celsius)
    {
        var scratchpad = Scratchpad(celsius);
        scratchpad[0] ^= 0x04;
        WriteText(bus, device, Text(scratchpad));
    }

    /// <summary>A sensor that lost power before its conversion: the power-on scratchpad, 85 °C with a valid CRC.</summary>
    public void WritePowerOnReset(string bus, string device) => WriteText(bus, device, Text(Scratchpad(85, reserved6: 0x0C)));

    /// <summary>The driver has dropped the device after its bus search stopped finding it.</summary>
    public void Remove(string bus, string device) => Directory.Delete(Path.GetDirectoryName(PathOf(bus, device))!, recursive: true);

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
