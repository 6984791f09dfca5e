using System.Buffers;
using System.Runtime.CompilerServices;
using static Loos.Edge.Core.LineProtocol.LineProtocolSyntax;

namespace Loos.Edge.Core.LineProtocol;

/// <summary>
/// Turns the series and field key of a line, as written, into a series of the catalogue: through a cache of the raw
/// bytes first, else by unescaping and checking the names and the field's kind. Safe for concurrent use.
/// </summary>
internal sealed class LineSeriesResolver(ISeriesCatalog catalog)
{
    private readonly SeriesKeyCache cache = new();
    private readonly FieldKinds fieldKinds = new(catalog);

    /// <summary>Adds a reading of the line that starts at <paramref name="firstReading"/>, replacing one of the same field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddLastWins(List<Reading> readings, int firstReading, Reading reading)
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

    /// <summary>The series of a field of the line; parses the line's measurement and tags only at its first series not yet cached.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public LineFailure? Resolve(
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
                return new LineFailure(keyStart, $"field key '{Snippet(fieldRaw)}' is not valid UTF-8");
            }

            if (IsReserved(field))
            {
                return new LineFailure(keyStart, $"field key '{field}' is reserved by InfluxDB");
            }

            if (fieldKinds.Claim(lineSeries!.Measurement, field, kind) is { } known)
            {
                return new LineFailure(keyStart, $"field '{Snippet(fieldRaw)}' of measurement '{Snippet(lineSeries.Measurement)}' is {KindName(kind)} here but {KindName(known)} in series the gateway already holds; InfluxDB refuses a field whose type changes");
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

    private static LineFailure? ParseSeries(ReadOnlySpan<byte> line, int seriesStart, int seriesEnd, out LineSeries? series)
    {
        series = null;
        var end = ScanToken(line[..seriesEnd], seriesStart, stopAtEquals: false, out _);
        if (Unescape(line[seriesStart..end]) is not { } measurement)
        {
            return new LineFailure(seriesStart, $"measurement '{Snippet(line[seriesStart..end])}' is not valid UTF-8");
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
                return new LineFailure(keyStart, $"tag key '{Snippet(line[keyStart..keyEnd])}' is not valid UTF-8");
            }

            if (Unescape(line[valueStart..valueEnd]) is not { } value)
            {
                return new LineFailure(valueStart, $"value of tag '{key}' is not valid UTF-8");
            }

            if (IsReserved(key))
            {
                return new LineFailure(keyStart, $"tag key '{key}' is reserved by InfluxDB");
            }

            foreach (var tag in tags)
            {
                if (tag.Key == key)
                {
                    return new LineFailure(keyStart, $"duplicate tag '{key}'");
                }
            }

            tags.Add(new Tag(key, value));
            i = valueEnd;
        }

        series = new LineSeries(measurement, [.. tags]);
        return null;
    }

    /// <summary>The measurement and tags of a line, unescaped; parsed once per line, at its first new series.</summary>
    internal sealed record LineSeries(string Measurement, Tag[] Tags);
}
