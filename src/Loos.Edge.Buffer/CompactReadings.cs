using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Loos.Edge.Core;

namespace Loos.Edge.Buffer;

/// <summary>
/// The readings of a compact readings record (<see cref="SegmentFormat.CompactReadingsRecord"/>, format version 2):
/// each reading takes only the bytes its values need, and is decoded from its own offset knowing only its record's
/// header, so that a consumer resumes at any reading of a record.
/// </summary>
/// <remarks>
/// <para>Payload: uint32 count · int64 base UTC ticks (the first reading's) · count × reading.</para>
/// <para>
/// Reading: series id as an unsigned varint · its UTC ticks minus the base as a zig-zag varint · one byte, the value
/// encoding in the high four bits and the quality in the low four (15: the quality follows in a byte of its own) · the
/// value. A varint is 7 bits a byte, least significant first, the high bit set on every byte but the last (as in
/// Protocol Buffers); zig-zag maps 0, -1, 1, -2… to 0, 1, 2, 3….
/// </para>
/// <para>
/// Value encodings: 0 NaN (no bytes; only the bit pattern of <see cref="double.NaN"/>, other NaNs are stored whole) ·
/// 1 an integer of at most 2^53, zig-zag varint · 2 float32, when it holds the value exactly (4 bytes) · 3 float64
/// (8 bytes) · 4 to 9 a decimal with 1 to 6 digits after the point: a zig-zag varint m, the value being the float64
/// division m / 10^digits, which gives back the value read from a decimal text bit for bit, since IEEE 754 division is
/// correctly rounded (a meter's 1234.5 kWh takes 3 bytes).
/// </para>
/// <para>A typical reading takes 6 to 12 bytes, at most <see cref="MaxReadingBytes"/>.</para>
/// </remarks>
internal static class CompactReadings
{
    /// <summary>Count and base ticks.</summary>
    public const int PayloadHeaderBytes = 4 + 8;

    /// <summary>Where the first reading of a compact record starts, from the record start.</summary>
    public const int FirstReadingOffset = SegmentFormat.RecordHeaderBytes + PayloadHeaderBytes;

    /// <summary>Series id (5), ticks (10), encoding and quality (2), float64 (8).</summary>
    public const int MaxReadingBytes = 5 + 10 + 2 + 8;

    private const int NaNEncoding = 0, IntegerEncoding = 1, SingleEncoding = 2, DoubleEncoding = 3;

    /// <summary>Plus the digits after the point, 1 to <see cref="MaxDecimalDigits"/>.</summary>
    private const int DecimalEncodingBase = 3;
    private const int MaxDecimalDigits = 6;
    private const int QualityEscape = 15;

    /// <summary>2^53: the integers up to it are exact in a float64.</summary>
    private const double ExactIntegerLimit = 9007199254740992d;

    private static readonly long CanonicalNaNBits = BitConverter.DoubleToInt64Bits(double.NaN);

    private static ReadOnlySpan<double> PowersOfTen => [1d, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];

    public static int Count(ReadOnlySpan<byte> record) => (int)BinaryPrimitives.ReadUInt32LittleEndian(record[SegmentFormat.RecordHeaderBytes..]);

    public static long BaseTicks(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt64LittleEndian(record[(SegmentFormat.RecordHeaderBytes + 4)..]);

    /// <summary>Fills in the count and base ticks of a record whose readings are in place.</summary>
    public static void WriteHeader(Span<byte> record, int count, long baseTicks)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record[SegmentFormat.RecordHeaderBytes..], (uint)count);
        BinaryPrimitives.WriteInt64LittleEndian(record[(SegmentFormat.RecordHeaderBytes + 4)..], baseTicks);
    }

    /// <summary>Writes one reading at the start of <paramref name="destination"/> (at least <see cref="MaxReadingBytes"/> long); returns its length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, int seriesId, in Reading reading, long baseTicks)
    {
        var at = WriteVarint(destination, (uint)seriesId);
        at += WriteVarint(destination[at..], ZigZag(reading.Timestamp.UtcTicks - baseTicks));
        var quality = (int)reading.Quality;
        var encodingAt = at++;
        if (quality >= QualityEscape)
        {
            destination[at++] = (byte)quality;
            quality = QualityEscape;
        }

        var value = reading.Value;
        var bits = BitConverter.DoubleToInt64Bits(value);
        int encoding;
        if (bits == CanonicalNaNBits)
        {
            encoding = NaNEncoding;
        }
        else if (Math.Abs(value) <= ExactIntegerLimit && Math.Truncate(value) == value && bits != NegativeZeroBits)
        {
            var zigZag = ZigZag((long)value);
            if (VarintLength(zigZag) > 4 && (double)(float)value == value)
            {
                encoding = SingleEncoding;
                BinaryPrimitives.WriteSingleLittleEndian(destination[at..], (float)value);
                at += 4;
            }
            else
            {
                encoding = IntegerEncoding;
                at += WriteVarint(destination[at..], zigZag);
            }
        }
        else
        {
            encoding = WriteFraction(destination[at..], value, bits, ref at);
        }

        destination[encodingAt] = (byte)((encoding << 4) | quality);
        return at;
    }

    /// <summary>
    /// Decodes the reading at the start of <paramref name="data"/>; returns its length, or 0 when it does not fit in
    /// <paramref name="data"/> or its encoding is unknown (a damaged or defective record).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Read(ReadOnlySpan<byte> data, long baseTicks, out int seriesId, out long ticks, out double value, out Quality quality)
    {
        seriesId = 0;
        ticks = 0;
        value = 0;
        quality = 0;
        var at = 0;
        if (!TryReadVarint(data, ref at, out var id) || id > int.MaxValue
            || !TryReadVarint(data, ref at, out var delta) || at >= data.Length)
        {
            return 0;
        }

        seriesId = (int)id;
        ticks = baseTicks + UnZigZag(delta);
        var encoding = data[at] >> 4;
        var qualityBits = data[at++] & 0x0F;
        if (qualityBits == QualityEscape)
        {
            if (at >= data.Length)
            {
                return 0;
            }

            qualityBits = data[at++];
        }

        quality = (Quality)qualityBits;
        switch (encoding)
        {
            case NaNEncoding:
                value = double.NaN;
                return at;
            case IntegerEncoding:
                if (!TryReadVarint(data, ref at, out var integer))
                {
                    return 0;
                }

                value = UnZigZag(integer);
                return at;
            case SingleEncoding:
                if (data.Length - at < 4)
                {
                    return 0;
                }

                value = BinaryPrimitives.ReadSingleLittleEndian(data[at..]);
                return at + 4;
            case DoubleEncoding:
                if (data.Length - at < 8)
                {
                    return 0;
                }

                value = BinaryPrimitives.ReadDoubleLittleEndian(data[at..]);
                return at + 8;
            case > DecimalEncodingBase and <= DecimalEncodingBase + MaxDecimalDigits:
                if (!TryReadVarint(data, ref at, out var scaled))
                {
                    return 0;
                }

                value = UnZigZag(scaled) / PowersOfTen[encoding - DecimalEncodingBase];
                return at;
            default:
                return 0;
        }
    }

    /// <summary>Whether the readings of a record's payload add up: its count of well-formed readings, ending exactly at its end.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> record)
    {
        if (record.Length < FirstReadingOffset)
        {
            return false;
        }

        var count = Count(record);
        var readings = record[FirstReadingOffset..];
        for (var i = 0; i < count; i++)
        {
            var length = Read(readings, 0, out _, out _, out _, out _);
            if (length == 0)
            {
                return false;
            }

            readings = readings[length..];
        }

        return readings.IsEmpty;
    }

    /// <summary>
    /// The index of the reading that starts at <paramref name="offsetInRecord"/> of a well-formed record, or -1 when none
    /// starts there.
    /// </summary>
    public static int IndexAt(ReadOnlySpan<byte> record, long offsetInRecord)
    {
        var at = FirstReadingOffset;
        var count = Count(record);
        for (var i = 0; i < count && at <= offsetInRecord; i++)
        {
            if (at == offsetInRecord)
            {
                return i;
            }

            var length = Read(record[at..], 0, out _, out _, out _, out _);
            if (length == 0)
            {
                return -1;
            }

            at += length;
        }

        return -1;
    }

    private static long NegativeZeroBits => BitConverter.DoubleToInt64Bits(-0d);

    /// <summary>A value with a fraction: as a short decimal, a float32, or whole.</summary>
    private static int WriteFraction(Span<byte> destination, double value, long bits, ref int at)
    {
        var scaled = value * PowersOfTen[MaxDecimalDigits];
        if (Math.Abs(scaled) < ExactIntegerLimit)
        {
            var mantissa = (long)Math.Round(scaled);
            if (BitConverter.DoubleToInt64Bits(mantissa / PowersOfTen[MaxDecimalDigits]) == bits)
            {
                // m / 10^6 and (m / 10^k) / 10^(6-k) are the same rational, so the same correctly rounded float64.
                var digits = MaxDecimalDigits;
                while (digits > 1 && mantissa % 10 == 0)
                {
                    mantissa /= 10;
                    digits--;
                }

                var zigZag = ZigZag(mantissa);
                if (VarintLength(zigZag) <= 4 || (double)(float)value != value)
                {
                    at += WriteVarint(destination, zigZag);
                    return DecimalEncodingBase + digits;
                }
            }
        }

        if (BitConverter.DoubleToInt64Bits((float)value) == bits)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination, (float)value);
            at += 4;
            return SingleEncoding;
        }

        BinaryPrimitives.WriteDoubleLittleEndian(destination, value);
        at += 8;
        return DoubleEncoding;
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static int VarintLength(ulong value) => Math.Max(1, (70 - System.Numerics.BitOperations.LeadingZeroCount(value)) / 7);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[at++] = (byte)value;
        return at;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 70 && at < data.Length; shift += 7)
        {
            var part = data[at++];
            value |= (ulong)(part & 0x7F) << shift;
            if (part < 0x80)
            {
                // The tenth byte holds one bit of a 64-bit value; more would be a damaged or defective record.
                return shift < 63 || part <= 1;
            }
        }

        return false;
    }
}
