using System.Globalization;
using System.Runtime.CompilerServices;

namespace Loos.Edge.Core.LineProtocol;

/// <summary>Field values and timestamps of line protocol, as InfluxDB reads them, checked to fit a reading.</summary>
internal static class LineProtocolValues
{
    // 2^53: the largest magnitude up to which every integer has an exact double (IEEE 754 binary64, 53-bit significand).
    private const long MaxExactInteger = 1L << 53;

    // InfluxDB's time range in nanoseconds since 1970 (models.MinNanoTime, models.MaxNanoTime): the two extreme int64
    // values are kept as markers, so a point at either end is refused.
    private const long MinNanoseconds = long.MinValue + 2;
    private const long MaxNanoseconds = long.MaxValue - 1;

    /// <summary>A field value: float, integer (<c>i</c>, <c>u</c>) or boolean; the problem, or null when it is valid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? ParseValue(ReadOnlySpan<byte> text, out double value, out ValueKind kind)
    {
        value = 0;
        kind = ValueKind.Float;
        var suffix = text[^1];
        if (suffix is (byte)'i' or (byte)'u')
        {
            kind = ValueKind.Integer;
            var digits = text[..^1];
            var negative = digits.Length > 0 && digits[0] == '-';
            var magnitude = negative ? digits[1..] : digits;
            if (magnitude.IsEmpty || magnitude.ContainsAnyExceptInRange((byte)'0', (byte)'9') || (negative && suffix == 'u'))
            {
                return suffix == 'u' ? "invalid unsigned value" : "invalid integer value";
            }

            if (suffix == 'u')
            {
                if (!ulong.TryParse(magnitude, NumberStyles.None, CultureInfo.InvariantCulture, out var unsigned) || unsigned > MaxExactInteger)
                {
                    return "unsigned value beyond 2^53 (not exact as a reading)";
                }

                value = unsigned;
                return null;
            }

            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                || integer > MaxExactInteger
                || integer < -MaxExactInteger)
            {
                return "integer value beyond ±2^53 (not exact as a reading)";
            }

            value = integer;
            return null;
        }

        // Most fields are plain decimals: read without the general parser.
        if (TryParsePlainDecimal(text, out value))
        {
            return null;
        }

        // The boolean spellings of the line-protocol reference ("Boolean" data type).
        if (text.SequenceEqual("t"u8) || text.SequenceEqual("T"u8) || text.SequenceEqual("true"u8)
            || text.SequenceEqual("True"u8) || text.SequenceEqual("TRUE"u8))
        {
            kind = ValueKind.Boolean;
            value = 1;
            return null;
        }

        if (text.SequenceEqual("f"u8) || text.SequenceEqual("F"u8) || text.SequenceEqual("false"u8)
            || text.SequenceEqual("False"u8) || text.SequenceEqual("FALSE"u8))
        {
            kind = ValueKind.Boolean;
            value = 0;
            return null;
        }

        if (!IsFloatSyntax(text))
        {
            return "invalid value";
        }

        if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
            || !double.IsFinite(value))
        {
            return "float value out of range";
        }

        return null;
    }

    // Powers of ten a double holds exactly (10^22 < 2^53 · 2^22).
    private static readonly double[] ExactPowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// The common float form <c>-?digits[.digits]</c> with at most 2^53 as its digits and at most 22 decimals: the digits
    /// and the power of ten are exact doubles, so one division, correctly rounded by IEEE 754, gives the same double as
    /// a full parse (Clinger's fast path). False for anything else, which the full parse then reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryParsePlainDecimal(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var i = text.Length > 0 && text[0] == '-' ? 1 : 0;
        var negative = i == 1;
        ulong digits = 0;
        var digitCount = 0;
        var decimals = -1;
        for (; i < text.Length; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit <= 9)
            {
                // 19 digits cannot overflow an unsigned 64-bit number.
                if (++digitCount > 19)
                {
                    return false;
                }

                digits = (digits * 10) + digit;
                if (decimals >= 0)
                {
                    decimals++;
                }
            }
            else if (text[i] == '.' && decimals < 0)
            {
                decimals = 0;
            }
            else
            {
                return false;
            }
        }

        if (digitCount == 0 || digits > MaxExactInteger || decimals > 22)
        {
            return false;
        }

        value = decimals > 0 ? digits / ExactPowersOfTen[decimals] : digits;
        value = negative ? -value : value;
        return true;
    }

    // -?digits[.digits][(e|E)[+-]digits], with at least one mantissa digit: what InfluxDB's scanner accepts; this
    // also keeps out the "NaN" and "Infinity" that double.TryParse would take.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsFloatSyntax(ReadOnlySpan<byte> text)
    {
        var i = 0;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        var mantissaDigits = 0;
        while (i < text.Length && char.IsAsciiDigit((char)text[i]))
        {
            i++;
            mantissaDigits++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                i++;
                mantissaDigits++;
            }
        }

        if (mantissaDigits == 0)
        {
            return false;
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                i++;
            }

            var exponentDigits = 0;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                i++;
                exponentDigits++;
            }

            if (exponentDigits == 0)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    // Per precision from microseconds to hours: 100 ns ticks per unit, and the range of units within InfluxDB's range
    // (units × nanoseconds per unit without overflow: division truncates towards zero, which gives the largest, and for
    // the negative bound the smallest, multiple that still fits).
    private static readonly long[] TicksPerUnit =
    [
        10, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute, TimeSpan.TicksPerHour,
    ];

    private static readonly long[] MinUnits = [.. TicksPerUnit.Select(ticks => MinNanoseconds / (ticks * TimeSpan.NanosecondsPerTick))];
    private static readonly long[] MaxUnits = [.. TicksPerUnit.Select(ticks => MaxNanoseconds / (ticks * TimeSpan.NanosecondsPerTick))];

    /// <summary>A timestamp in <paramref name="precision"/> units since 1970; the problem, or null when it is valid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? ParseTimestamp(ReadOnlySpan<byte> text, LineProtocolPrecision precision, out DateTimeOffset timestamp)
    {
        const string OutOfRange = "timestamp out of range: InfluxDB accepts -9223372036854775806 to 9223372036854775806 ns since 1970";
        timestamp = default;
        var magnitude = text.Length > 0 && text[0] == '-' ? text[1..] : text;
        if (magnitude.IsEmpty || magnitude.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return "invalid timestamp";
        }

        long units;
        if (magnitude.Length <= 18)
        {
            // At most 18 digits: below 10^18, no overflow to check.
            units = 0;
            foreach (var digit in magnitude)
            {
                units = (units * 10) + (digit - '0');
            }

            units = magnitude.Length < text.Length ? -units : units;
        }
        else if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out units))
        {
            return OutOfRange;
        }

        long ticks;
        if (precision == LineProtocolPrecision.Nanoseconds)
        {
            if (units < MinNanoseconds || units > MaxNanoseconds)
            {
                return OutOfRange;
            }

            // One DateTimeOffset tick is 100 ns; finer digits are rounded down, also before 1970.
            ticks = (units / TimeSpan.NanosecondsPerTick) - (units % TimeSpan.NanosecondsPerTick < 0 ? 1 : 0);
        }
        else
        {
            if ((uint)(precision - 1) >= (uint)TicksPerUnit.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision.");
            }

            var ticksPerUnit = TicksPerUnit[(int)precision - 1];
            if (units < MinUnits[(int)precision - 1] || units > MaxUnits[(int)precision - 1])
            {
                return OutOfRange;
            }

            // A microsecond and every coarser unit is a whole number of 100 ns ticks.
            ticks = units * ticksPerUnit;
        }

        // InfluxDB's range lies well inside DateTimeOffset's.
        timestamp = new DateTimeOffset(ticks + DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.Zero);
        return null;
    }
}
