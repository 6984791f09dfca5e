using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Loos.Edge.Core.LineProtocol;

/// <summary>
/// Parses InfluxDB line protocol (the body of the 1.x <c>/write</c> and 2.x <c>/api/v2/write</c> APIs) into readings:
/// every field becomes one reading of its own series <c>(measurement, tags, field, unit "", kind)</c>.
/// </summary>
/// <remarks>
/// <para>Follows the InfluxDB line-protocol reference: a backslash escapes a comma, equals sign, space, double quote or
/// backslash in the measurement, tag keys, tag values and field keys, and is literal before any other character;
/// <c>#</c> comment lines and blank lines are skipped; a CR before the LF is ignored.</para>
/// <para>String fields are rejected (the gateway's readings are numbers), as are integers beyond ±2^53, which a
/// double cannot hold exactly. When a field key repeats within a line, the last value wins, as in InfluxDB.</para>
/// <para>Timestamps are held at the 100 ns resolution of <see cref="DateTimeOffset"/>: finer nanosecond digits are
/// rounded down.</para>
/// <para>Safe for concurrent use. A rejected body adds no reading, but may leave series it named in the catalogue.</para>
/// </remarks>
public sealed class LineProtocolParser
{
    // 2^53: the largest magnitude up to which every integer has an exact double (IEEE 754 binary64, 53-bit significand).
    private const long MaxExactInteger = 1L << 53;

    // InfluxDB reserves these keys and drops points that use them as tag or field keys (line-protocol reference,
    // "Naming restrictions"); rejecting here keeps them out of the dead-letter file.
    private static readonly string[] ReservedKeys = ["time", "_field", "_measurement"];

    // InfluxDB's MaxKeyLength: the series key (measurement and tags as written) and the storage key
    // "<series key>#!~#<field key>" may not be longer (models/points.go, tsm1 TSMWriter).
    private const int MaxKeyBytes = 65535;
    private const int FieldSeparatorBytes = 4;

    // InfluxDB's time range in nanoseconds since 1970 (models.MinNanoTime, models.MaxNanoTime): the two extreme int64
    // values are kept as markers, so a point at either end is refused.
    private const long MinNanoseconds = long.MinValue + 2;
    private const long MaxNanoseconds = long.MaxValue - 1;

    private static readonly ConditionalWeakTable<ISeriesCatalog, LineProtocolParser> SharedParsers = new();

    private readonly ISeriesCatalog catalog;
    private readonly SeriesKeyCache cache = new();
    private readonly FieldKinds fieldKinds;

    /// <summary>Creates a parser interning series in <paramref name="catalog"/>, with its own cache of series already seen.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is null.</exception>
    public LineProtocolParser(ISeriesCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        this.catalog = catalog;
        fieldKinds = new FieldKinds(catalog);
    }

    /// <summary>
    /// Parses <paramref name="utf8"/> with the process-wide parser of <paramref name="catalog"/> (see
    /// <see cref="TryParse(ReadOnlySpan{byte}, LineProtocolPrecision, DateTimeOffset, List{Reading}, out LineProtocolError?)"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="readings"/> is null.</exception>
    public static bool TryParse(
        ReadOnlySpan<byte> utf8,
        LineProtocolPrecision precision,
        DateTimeOffset now,
        ISeriesCatalog catalog,
        List<Reading> readings,
        [NotNullWhen(false)] out LineProtocolError? error)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return SharedParsers.GetValue(catalog, static c => new LineProtocolParser(c)).TryParse(utf8, precision, now, readings, out error);
    }

    /// <summary>
    /// Appends one reading per field of every line of <paramref name="utf8"/> to <paramref name="readings"/>; a line
    /// without a timestamp takes <paramref name="now"/>. On the first malformed line it returns false with the error and
    /// leaves <paramref name="readings"/> exactly as it was.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="readings"/> is null.</exception>
    public bool TryParse(
        ReadOnlySpan<byte> utf8,
        LineProtocolPrecision precision,
        DateTimeOffset now,
        List<Reading> readings,
        [NotNullWhen(false)] out LineProtocolError? error)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var initialCount = readings.Count;
        var nowUtc = now.ToUniversalTime();
        var lineNumber = 0;
        var offset = 0;
        while (offset < utf8.Length)
        {
            lineNumber++;
            var rest = utf8[offset..];
            var newline = rest.IndexOf((byte)'\n');
            var lineLength = newline < 0 ? rest.Length : newline;
            var line = rest[..lineLength];
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (ParseLine(line, newline >= 0, precision, nowUtc, readings) is { } failure)
            {
                readings.RemoveRange(initialCount, readings.Count - initialCount);
                var column = Encoding.UTF8.GetCharCount(line[..Math.Min(failure.Offset, line.Length)]) + 1;
                error = new LineProtocolError(lineNumber, column, failure.Reason);
                return false;
            }

            offset += lineLength + 1;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Reads a write API's <c>precision</c> parameter: 2.x <c>ns</c>, <c>us</c>, <c>ms</c>, <c>s</c> and 1.x <c>n</c>,
    /// <c>u</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>; null or empty means nanoseconds.
    /// </summary>
    public static bool TryParsePrecision(string? text, out LineProtocolPrecision precision)
    {
        precision = text switch
        {
            null or "" or "ns" or "n" => LineProtocolPrecision.Nanoseconds,
            "us" or "u" => LineProtocolPrecision.Microseconds,
            "ms" => LineProtocolPrecision.Milliseconds,
            "s" => LineProtocolPrecision.Seconds,
            "m" => LineProtocolPrecision.Minutes,
            "h" => LineProtocolPrecision.Hours,
            _ => (LineProtocolPrecision)(-1),
        };
        return precision >= 0;
    }

    private Failure? ParseLine(ReadOnlySpan<byte> line, bool endsWithNewline, LineProtocolPrecision precision, DateTimeOffset now, List<Reading> readings)
    {
        var i = SkipWhitespace(line, 0);
        if (i == line.Length || line[i] == '#')
        {
            return null;
        }

        var seriesStart = i;
        var end = ScanToken(line, i, stopAtEquals: false, out var dangling);
        if (dangling && endsWithNewline)
        {
            return NewlineInName(end - 1);
        }

        if (end == i)
        {
            return new Failure(i, "missing measurement");
        }

        i = end;
        while (i < line.Length && line[i] == ',')
        {
            var keyStart = i + 1;
            var keyEnd = ScanToken(line, keyStart, stopAtEquals: true, out dangling);
            if (dangling && endsWithNewline)
            {
                return NewlineInName(keyEnd - 1);
            }

            if (keyEnd == keyStart)
            {
                return new Failure(keyStart, "missing tag key");
            }

            if (keyEnd == line.Length || line[keyEnd] != '=')
            {
                return new Failure(keyStart, $"tag '{Snippet(line[keyStart..keyEnd])}' has no value (expected key=value)");
            }

            var valueStart = keyEnd + 1;
            var valueEnd = ScanToken(line, valueStart, stopAtEquals: true, out dangling);
            if (dangling && endsWithNewline)
            {
                return NewlineInName(valueEnd - 1);
            }

            if (valueEnd == valueStart)
            {
                return new Failure(valueStart, $"missing value of tag '{Snippet(line[keyStart..keyEnd])}'");
            }

            if (valueEnd < line.Length && line[valueEnd] == '=')
            {
                return new Failure(valueEnd, $"unescaped '=' in the value of tag '{Snippet(line[keyStart..keyEnd])}'");
            }

            i = valueEnd;
        }

        var seriesEnd = i;
        if (seriesEnd - seriesStart > MaxKeyBytes)
        {
            return new Failure(seriesStart, $"the series key (measurement and tags) is {seriesEnd - seriesStart} bytes; InfluxDB refuses keys longer than {MaxKeyBytes} bytes");
        }

        i = SkipSpaces(line, i);
        if (i == line.Length)
        {
            return new Failure(i, $"missing fields after '{Snippet(line[seriesStart..seriesEnd])}'");
        }

        var firstReading = readings.Count;
        LineSeries? lineSeries = null;
        while (true)
        {
            var keyStart = i;
            var keyEnd = ScanToken(line, keyStart, stopAtEquals: true, out dangling);
            if (dangling && endsWithNewline)
            {
                return NewlineInName(keyEnd - 1);
            }

            if (keyEnd == keyStart)
            {
                return new Failure(keyStart, "missing field key");
            }

            if (keyEnd == line.Length || line[keyEnd] != '=')
            {
                return new Failure(keyStart, $"field '{Snippet(line[keyStart..keyEnd])}' has no value (expected key=value)");
            }

            if (seriesEnd - seriesStart + FieldSeparatorBytes + keyEnd - keyStart > MaxKeyBytes)
            {
                return new Failure(keyStart, $"the series key with the field key '{Snippet(line[keyStart..keyEnd])}' is {seriesEnd - seriesStart + FieldSeparatorBytes + keyEnd - keyStart} bytes; InfluxDB refuses keys longer than {MaxKeyBytes} bytes");
            }

            var valueStart = keyEnd + 1;
            if (valueStart < line.Length && line[valueStart] == '"')
            {
                return new Failure(valueStart, $"field '{Snippet(line[keyStart..keyEnd])}' is a string; the gateway accepts numeric and boolean fields only");
            }

            var valueEnd = valueStart;
            while (valueEnd < line.Length && line[valueEnd] != ',' && line[valueEnd] != ' ')
            {
                valueEnd++;
            }

            if (valueEnd == valueStart)
            {
                return new Failure(valueStart, $"missing value of field '{Snippet(line[keyStart..keyEnd])}'");
            }

            if (ParseValue(line[valueStart..valueEnd], out var value, out var kind) is { } valueProblem)
            {
                return new Failure(valueStart, $"{valueProblem} '{Snippet(line[valueStart..valueEnd])}' of field '{Snippet(line[keyStart..keyEnd])}'");
            }

            if (Resolve(line, seriesStart, seriesEnd, keyStart, keyEnd, kind, ref lineSeries, out var series) is { } seriesProblem)
            {
                return seriesProblem;
            }

            AddLastWins(readings, firstReading, new Reading(series, now, value));
            i = valueEnd;
            if (i < line.Length && line[i] == ',')
            {
                i++;
                continue;
            }

            break;
        }

        i = SkipSpaces(line, i);
        if (i < line.Length)
        {
            var timestampEnd = i;
            while (timestampEnd < line.Length && line[timestampEnd] != ' ' && line[timestampEnd] != '\t')
            {
                timestampEnd++;
            }

            var text = line[i..timestampEnd];
            if (ParseTimestamp(text, precision, out var timestamp) is { } timestampProblem)
            {
                return new Failure(i, $"{timestampProblem} '{Snippet(text)}'");
            }

            var trailing = SkipWhitespace(line, timestampEnd);
            if (trailing < line.Length)
            {
                return new Failure(trailing, $"unexpected text after the timestamp: '{Snippet(line[trailing..])}'");
            }

            var added = CollectionsMarshal.AsSpan(readings)[firstReading..];
            foreach (ref var reading in added)
            {
                reading = reading with { Timestamp = timestamp };
            }
        }

        return null;
    }

    private void AddLastWins(List<Reading> readings, int firstReading, Reading reading)
    {
        // Only lines with several fields can repeat a key; comparing names through the catalogue avoids keeping spans.
        if (readings.Count > firstReading)
        {
            var field = catalog[reading.Series].Field;
            for (var k = firstReading; k < readings.Count; k++)
            {
                if (catalog[readings[k].Series].Field == field)
                {
                    readings.RemoveAt(k);
                    break;
                }
            }
        }

        readings.Add(reading);
    }

    private Failure? Resolve(
        ReadOnlySpan<byte> line,
        int seriesStart,
        int seriesEnd,
        int keyStart,
        int keyEnd,
        ValueKind kind,
        ref LineSeries? lineSeries,
        out SeriesId id)
    {
        var seriesRaw = line[seriesStart..seriesEnd];
        var fieldRaw = line[keyStart..keyEnd];

        // The cache key is "<series as written> <field key as written><kind byte>": the first unescaped space splits
        // it unambiguously, and the kind is always the last byte.
        var length = seriesRaw.Length + fieldRaw.Length + 2;
        byte[]? rented = null;
        var rawKey = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        rawKey = rawKey[..length];
        seriesRaw.CopyTo(rawKey);
        rawKey[seriesRaw.Length] = (byte)' ';
        fieldRaw.CopyTo(rawKey[(seriesRaw.Length + 1)..]);
        rawKey[^1] = (byte)kind;
        try
        {
            if (cache.TryGet(rawKey, out id))
            {
                return null;
            }

            if (lineSeries is null)
            {
                if (ParseSeries(line, seriesStart, seriesEnd, out lineSeries) is { } seriesProblem)
                {
                    return seriesProblem;
                }
            }

            if (Unescape(fieldRaw) is not { } field)
            {
                return new Failure(keyStart, $"field key '{Snippet(fieldRaw)}' is not valid UTF-8");
            }

            if (IsReserved(field))
            {
                return new Failure(keyStart, $"field key '{field}' is reserved by InfluxDB");
            }

            if (fieldKinds.Claim(lineSeries!.Measurement, field, kind) is { } known)
            {
                return new Failure(keyStart, $"field '{Snippet(fieldRaw)}' of measurement '{Snippet(lineSeries.Measurement)}' is {KindName(kind)} here but {KindName(known)} in series the gateway already holds; InfluxDB refuses a field whose type changes");
            }

            id = catalog.Intern(new SeriesKey(lineSeries.Measurement, lineSeries.Tags, field, unit: string.Empty, kind));
            cache.Add(rawKey, id);
            return null;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static Failure? ParseSeries(ReadOnlySpan<byte> line, int seriesStart, int seriesEnd, out LineSeries? series)
    {
        series = null;
        var end = ScanToken(line[..seriesEnd], seriesStart, stopAtEquals: false, out _);
        if (Unescape(line[seriesStart..end]) is not { } measurement)
        {
            return new Failure(seriesStart, $"measurement '{Snippet(line[seriesStart..end])}' is not valid UTF-8");
        }

        var tags = new List<Tag>();
        var i = end;
        while (i < seriesEnd)
        {
            // The syntax was checked by ParseLine: here i is at a ',' followed by key=value.
            var keyStart = i + 1;
            var keyEnd = ScanToken(line[..seriesEnd], keyStart, stopAtEquals: true, out _);
            var valueStart = keyEnd + 1;
            var valueEnd = ScanToken(line[..seriesEnd], valueStart, stopAtEquals: true, out _);
            if (Unescape(line[keyStart..keyEnd]) is not { } key)
            {
                return new Failure(keyStart, $"tag key '{Snippet(line[keyStart..keyEnd])}' is not valid UTF-8");
            }

            if (Unescape(line[valueStart..valueEnd]) is not { } value)
            {
                return new Failure(valueStart, $"value of tag '{key}' is not valid UTF-8");
            }

            if (IsReserved(key))
            {
                return new Failure(keyStart, $"tag key '{key}' is reserved by InfluxDB");
            }

            foreach (var tag in tags)
            {
                if (tag.Key == key)
                {
                    return new Failure(keyStart, $"duplicate tag '{key}'");
                }
            }

            tags.Add(new Tag(key, value));
            i = valueEnd;
        }

        series = new LineSeries(measurement, [.. tags]);
        return null;
    }

    private static string? ParseValue(ReadOnlySpan<byte> text, out double value, out ValueKind kind)
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

    private static string? ParseTimestamp(ReadOnlySpan<byte> text, LineProtocolPrecision precision, out DateTimeOffset timestamp)
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

        Int128 nanoseconds = (Int128)units * precision switch
        {
            LineProtocolPrecision.Nanoseconds => 1,
            LineProtocolPrecision.Microseconds => 1_000,
            LineProtocolPrecision.Milliseconds => TimeSpan.NanosecondsPerTick * TimeSpan.TicksPerMillisecond,
            LineProtocolPrecision.Seconds => TimeSpan.NanosecondsPerTick * TimeSpan.TicksPerSecond,
            LineProtocolPrecision.Minutes => TimeSpan.NanosecondsPerTick * TimeSpan.TicksPerMinute,
            LineProtocolPrecision.Hours => TimeSpan.NanosecondsPerTick * TimeSpan.TicksPerHour,
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision."),
        };
        if (nanoseconds < MinNanoseconds || nanoseconds > MaxNanoseconds)
        {
            return OutOfRange;
        }

        // One DateTimeOffset tick is 100 ns; finer digits are rounded down, also before 1970. InfluxDB's range lies
        // well inside DateTimeOffset's.
        var ticks = (long)(nanoseconds / TimeSpan.NanosecondsPerTick) - (nanoseconds % TimeSpan.NanosecondsPerTick < 0 ? 1 : 0);
        timestamp = new DateTimeOffset(ticks + DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.Zero);
        return null;
    }

    // Stops at an unescaped ',' or ' ' (and '=' when asked); a backslash always takes the next byte with it, as in
    // InfluxDB's scanner. dangling: the line ends in a backslash that would escape the newline.
    private static int ScanToken(ReadOnlySpan<byte> line, int i, bool stopAtEquals, out bool dangling)
    {
        dangling = false;
        while (i < line.Length)
        {
            var b = line[i];
            if (b == '\\')
            {
                if (i + 1 == line.Length)
                {
                    dangling = true;
                    return line.Length;
                }

                i += 2;
                continue;
            }

            if (b == ',' || b == ' ' || (stopAtEquals && b == '='))
            {
                return i;
            }

            i++;
        }

        return i;
    }

    private static string? Unescape(ReadOnlySpan<byte> raw)
    {
        if (!raw.Contains((byte)'\\'))
        {
            return Utf8.IsValid(raw) ? Encoding.UTF8.GetString(raw) : null;
        }

        var buffer = raw.Length <= 256 ? stackalloc byte[256] : new byte[raw.Length];
        var length = 0;
        for (var k = 0; k < raw.Length; k++)
        {
            if (raw[k] == '\\' && k + 1 < raw.Length && raw[k + 1] is (byte)',' or (byte)'=' or (byte)' ' or (byte)'"' or (byte)'\\')
            {
                k++;
            }

            buffer[length++] = raw[k];
        }

        var unescaped = buffer[..length];
        return Utf8.IsValid(unescaped) ? Encoding.UTF8.GetString(unescaped) : null;
    }

    private static bool IsReserved(string key) => Array.IndexOf(ReservedKeys, key) >= 0;

    private static string KindName(ValueKind kind) => kind switch
    {
        ValueKind.Integer => "integer",
        ValueKind.Boolean => "boolean",
        _ => "float",
    };

    private static Failure NewlineInName(int backslashOffset) =>
        new(backslashOffset, "a backslash escapes the end of the line: newlines are not allowed in names, tag values or field keys");

    private static int SkipWhitespace(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && (line[i] == ' ' || line[i] == '\t'))
        {
            i++;
        }

        return i;
    }

    private static int SkipSpaces(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && line[i] == ' ')
        {
            i++;
        }

        return i;
    }

    private static string Snippet(ReadOnlySpan<byte> text) => Snippet(Encoding.UTF8.GetString(text));

    private static string Snippet(string text)
    {
        // Error messages quote the offending text, shortened so that a huge line does not flood a log.
        const int MaxChars = 40;
        return text.Length <= MaxChars ? text : string.Concat(text.AsSpan(0, MaxChars), "…");
    }

    private readonly record struct Failure(int Offset, string Reason);

    private sealed record LineSeries(string Measurement, Tag[] Tags);
}
