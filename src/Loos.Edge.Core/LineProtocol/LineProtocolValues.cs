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

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var units))
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
            var nanosecondsPerUnit = precision switch
            {
                LineProtocolPrecision.Microseconds => 1_000L,
                LineProtocolPrecision.Milliseconds => TimeSpan.NanosecondsPerTick * TimeSpan.TicksPerMillisecond,
                LineProtocolPrecision.Seconds => TimeSpan.NanosecondsPerTick * TimeSpan.TicksPerSecond,
                LineProtocolPrecision.Minutes => TimeSpan.NanosecondsPerTick * TimeSpan.TicksPerMinute,
                LineProtocolPrecision.Hours => TimeSpan.NanosecondsPerTick * TimeSpan.TicksPerHour,
                _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision."),
            };

            // units × nanosecondsPerUnit within the range, without overflow: division truncates towards zero, which
            // gives the largest (and, for the negative bound, the smallest) multiple that still fits.
            if (units < MinNanoseconds / nanosecondsPerUnit || units > MaxNanoseconds / nanosecondsPerUnit)
            {
                return OutOfRange;
            }

            // A microsecond and every coarser unit is a whole number of 100 ns ticks.
            ticks = units * (nanosecondsPerUnit / TimeSpan.NanosecondsPerTick);
        }

        // InfluxDB's range lies well inside DateTimeOffset's.
        timestamp = new DateTimeOffset(ticks + DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.Zero);
        return null;
    }
}
