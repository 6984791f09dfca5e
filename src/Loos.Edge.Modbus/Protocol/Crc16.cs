namespace Loos.Edge.Modbus.Protocol;

/// <summary>CRC-16/MODBUS (Modbus over Serial Line v1.02 §6.2.2): polynomial 0xA001 reflected, initial value 0xFFFF, sent low byte first.</summary>
internal static class Crc16
{
    private static readonly ushort[] Table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        ushort crc = 0xFFFF; // §6.2.2 step 1: preload with all ones.
        foreach (var value in data)
        {
            crc = (ushort)((crc >> 8) ^ Table[(crc ^ value) & 0xFF]);
        }

        return crc;
    }

    /// <summary>Appends the CRC (low byte first, §2.5.1.2) after <paramref name="length"/> bytes; returns the new length.</summary>
    public static int Append(Span<byte> frame, int length)
    {
        var crc = Compute(frame[..length]);
        frame[length] = (byte)crc;
        frame[length + 1] = (byte)(crc >> 8);
        return length + 2;
    }

    /// <summary>Whether the last two bytes of <paramref name="frame"/> are the CRC of the bytes before them.</summary>
    public static bool IsValid(ReadOnlySpan<byte> frame) =>
        frame.Length >= 3 && Compute(frame[..^2]) == (ushort)(frame[^2] | (frame[^1] << 8));

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)i;
            for (var bit = 0; bit < 8; bit++)
            {
                // §6.2.2: shift right; when the bit shifted out was 1, XOR with the reflected polynomial 0xA001.
                crc = (crc & 1) != 0 ? (ushort)((crc >> 1) ^ 0xA001) : (ushort)(crc >> 1);
            }

            table[i] = crc;
        }

        return table;
    }
}
