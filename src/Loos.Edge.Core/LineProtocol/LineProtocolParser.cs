using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using static Loos.Edge.Core.LineProtocol.LineProtocolSyntax;
using static Loos.Edge.Core.LineProtocol.LineProtocolValues;

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
    // InfluxDB's MaxKeyLength: the series key (measurement and tags as written) and the storage key
    // "<series key>#!~#<field key>" may not be longer (models/points.go, tsm1 TSMWriter).
    private const int MaxKeyBytes = 65535;
    private const int FieldSeparatorBytes = 4;

    private static readonly ConditionalWeakTable<ISeriesCatalog, LineProtocolParser> SharedParsers = new();

    private readonly LineSeriesResolver resolver;

    /// <summary>Creates a parser interning series in <paramref name="catalog"/>, with its own cache of series already seen.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is null.</exception>
    public LineProtocolParser(ISeriesCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        resolver = new LineSeriesResolver(catalog);
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
    // The parsing methods are compiled fully optimised at their first call: with tiered compilation a burst of writes
    // just after start ran for seconds through unoptimised code, the background compiler starved on a busy device.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private LineFailure? ParseLine(ReadOnlySpan<byte> line, bool endsWithNewline, LineProtocolPrecision precision, DateTimeOffset now, List<Reading> readings)
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
            return new LineFailure(i, "missing measurement");
        }

        i = end;
        while (i < line.Length && line[i] == ',')
        {
            var keyStart = i + 1;
            if (ScanKey(line, keyStart, endsWithNewline, "tag", out var keyEnd) is { } keyProblem)
            {
                return keyProblem;
            }

            var valueStart = keyEnd + 1;
            var valueEnd = ScanToken(line, valueStart, stopAtEquals: true, out dangling);
            if (dangling && endsWithNewline)
            {
                return NewlineInName(valueEnd - 1);
            }

            if (valueEnd == valueStart)
            {
                return new LineFailure(valueStart, $"missing value of tag '{Snippet(line[keyStart..keyEnd])}'");
            }

            if (valueEnd < line.Length && line[valueEnd] == '=')
            {
                return new LineFailure(valueEnd, $"unescaped '=' in the value of tag '{Snippet(line[keyStart..keyEnd])}'");
            }

            i = valueEnd;
        }

        var seriesEnd = i;
        if (seriesEnd - seriesStart > MaxKeyBytes)
        {
            return new LineFailure(seriesStart, $"the series key (measurement and tags) is {seriesEnd - seriesStart} bytes; InfluxDB refuses keys longer than {MaxKeyBytes} bytes");
        }

        i = SkipSpaces(line, i);
        if (i == line.Length)
        {
            return new LineFailure(i, $"missing fields after '{Snippet(line[seriesStart..seriesEnd])}'");
        }

        var firstReading = readings.Count;
        LineSeriesResolver.LineSeries? lineSeries = null;
        while (true)
        {
            var keyStart = i;
            if (ScanKey(line, keyStart, endsWithNewline, "field", out var keyEnd) is { } keyProblem)
            {
                return keyProblem;
            }

            if (seriesEnd - seriesStart + FieldSeparatorBytes + keyEnd - keyStart > MaxKeyBytes)
            {
                return new LineFailure(keyStart, $"the series key with the field key '{Snippet(line[keyStart..keyEnd])}' is {seriesEnd - seriesStart + FieldSeparatorBytes + keyEnd - keyStart} bytes; InfluxDB refuses keys longer than {MaxKeyBytes} bytes");
            }

            var valueStart = keyEnd + 1;
            if (valueStart < line.Length && line[valueStart] == '"')
            {
                return new LineFailure(valueStart, $"field '{Snippet(line[keyStart..keyEnd])}' is a string; the gateway accepts numeric and boolean fields only");
            }

            var valueEnd = valueStart;
            while (valueEnd < line.Length && line[valueEnd] != ',' && line[valueEnd] != ' ')
            {
                valueEnd++;
            }

            if (valueEnd == valueStart)
            {
                return new LineFailure(valueStart, $"missing value of field '{Snippet(line[keyStart..keyEnd])}'");
            }

            if (ParseValue(line[valueStart..valueEnd], out var value, out var kind) is { } valueProblem)
            {
                return new LineFailure(valueStart, $"{valueProblem} '{Snippet(line[valueStart..valueEnd])}' of field '{Snippet(line[keyStart..keyEnd])}'");
            }

            if (resolver.Resolve(line, seriesStart, seriesEnd, keyStart, keyEnd, kind, ref lineSeries, out var series) is { } seriesProblem)
            {
                return seriesProblem;
            }

            resolver.AddLastWins(readings, firstReading, new Reading(series, now, value));
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
                return new LineFailure(i, $"{timestampProblem} '{Snippet(text)}'");
            }

            var trailing = SkipWhitespace(line, timestampEnd);
            if (trailing < line.Length)
            {
                return new LineFailure(trailing, $"unexpected text after the timestamp: '{Snippet(line[trailing..])}'");
            }

            var added = CollectionsMarshal.AsSpan(readings)[firstReading..];
            foreach (ref var reading in added)
            {
                reading = reading with { Timestamp = timestamp };
            }
        }

        return null;
    }

    /// <summary>Scans a tag or field key (<paramref name="what"/>) up to the '=' that must follow it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static LineFailure? ScanKey(ReadOnlySpan<byte> line, int keyStart, bool endsWithNewline, string what, out int keyEnd)
    {
        keyEnd = ScanToken(line, keyStart, stopAtEquals: true, out var dangling);
        if (dangling && endsWithNewline)
        {
            return NewlineInName(keyEnd - 1);
        }

        if (keyEnd == keyStart)
        {
            return new LineFailure(keyStart, $"missing {what} key");
        }

        if (keyEnd == line.Length || line[keyEnd] != '=')
        {
            return new LineFailure(keyStart, $"{what} '{Snippet(line[keyStart..keyEnd])}' has no value (expected key=value)");
        }

        return null;
    }
}
