using System.Buffers.Binary;

namespace Loos.Edge.Modbus.Points;

/// <summary>Turns registers as read from a device into numbers and text, without allocating (except for text).</summary>
public static class RegisterDecoder
{
    /// <summary>How many registers a value of <paramref name="type"/> takes; <paramref name="stringLengthRegisters"/> for strings, 0 for bits.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The type is unknown.</exception>
    public static int RegisterCount(PointType type, int stringLengthRegisters = 0) => type switch
    {
        PointType.U16 or PointType.I16 => 1,
        PointType.U32 or PointType.I32 or PointType.F32 => 2,
        PointType.U64 or PointType.I64 or PointType.F64 => 4,
        PointType.String => stringLengthRegisters,
        PointType.Bit => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown point type."),
    };

    /// <summary>
    /// The numeric value of the first <see cref="RegisterCount"/> registers of <paramref name="registers"/> read as
    /// <paramref name="type"/> in <paramref name="order"/> (see <see cref="WordOrder"/>), before scale and offset.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="registers"/> is too short, or the type is a string or a bit.</exception>
    public static double Decode(ReadOnlySpan<ushort> registers, PointType type, WordOrder order)
    {
        var count = RegisterCount(type);
        if (count == 0)
        {
            throw new ArgumentException($"A {type} point has no numeric register value.", nameof(type));
        }

        if (registers.Length < count)
        {
            throw new ArgumentException($"A {type} value needs {count} registers, {registers.Length} given.", nameof(registers));
        }

        var raw = Assemble(registers[..count], order);
        return type switch
        {
            PointType.U16 => (ushort)raw,
            PointType.I16 => (short)(ushort)raw,
            PointType.U32 => (uint)raw,
            PointType.I32 => (int)(uint)raw,
            PointType.U64 => raw,
            PointType.I64 => (long)raw,
            PointType.F32 => BitConverter.UInt32BitsToSingle((uint)raw),
            _ => BitConverter.UInt64BitsToDouble(raw),
        };
    }

    /// <summary>
    /// The raw bits of <paramref name="registers"/> (1 to 4) as one unsigned integer, most significant byte first
    /// once <paramref name="order"/> is undone.
    /// </summary>
    /// <exception cref="ArgumentException">More than 4 registers.</exception>
    public static ulong Assemble(ReadOnlySpan<ushort> registers, WordOrder order)
    {
        if (registers.Length > 4)
        {
            throw new ArgumentException("At most 4 registers make one value.", nameof(registers));
        }

        var wordSwapped = order is WordOrder.CDAB or WordOrder.DCBA;
        var byteSwapped = order is WordOrder.BADC or WordOrder.DCBA;
        ulong value = 0;
        for (var i = 0; i < registers.Length; i++)
        {
            var word = registers[wordSwapped ? registers.Length - 1 - i : i];
            value = (value << 16) | (byteSwapped ? BinaryPrimitives.ReverseEndianness(word) : word);
        }

        return value;
    }

    /// <summary>
    /// The text held in <paramref name="registers"/>, two characters (ISO 8859-1 bytes) per register, high byte first
    /// unless <paramref name="order"/> swaps bytes; ends at the first NUL, trailing spaces removed.
    /// </summary>
    public static string DecodeString(ReadOnlySpan<ushort> registers, WordOrder order = WordOrder.ABCD)
    {
        Span<char> text = registers.Length <= 128 ? stackalloc char[registers.Length * 2] : new char[registers.Length * 2];
        var length = DecodeString(registers, order, text);
        return new string(text[..length]);
    }

    /// <summary>Writes the text held in <paramref name="registers"/> into <paramref name="destination"/> (at least twice as long) and returns its length.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static int DecodeString(ReadOnlySpan<ushort> registers, WordOrder order, Span<char> destination)
    {
        if (destination.Length < registers.Length * 2)
        {
            throw new ArgumentException("The destination needs two characters per register.", nameof(destination));
        }

        var byteSwapped = order is WordOrder.BADC or WordOrder.DCBA;
        var length = 0;
        foreach (var register in registers)
        {
            var word = byteSwapped ? BinaryPrimitives.ReverseEndianness(register) : register;
            var high = (char)(word >> 8);
            if (high == '\0')
            {
                break;
            }

            destination[length++] = high;
            var low = (char)(word & 0xFF);
            if (low == '\0')
            {
                break;
            }

            destination[length++] = low;
        }

        while (length > 0 && destination[length - 1] == ' ')
        {
            length--;
        }

        return length;
    }
}
