using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Loos.Edge.Aggregation.Counters;
using Loos.Edge.Aggregation.Heating;

namespace Loos.Edge.Heating;

/// <summary>Meter and outdoor readings for the heating report.</summary>
/// <param name="Homes">Each home's cumulative energy counter, kWh, in time order.</param>
/// <param name="OutdoorTicks">Outdoor temperature instants, UTC ticks.</param>
/// <param name="OutdoorCelsius">Outdoor temperatures, °C.</param>
internal sealed record HeatingReadings(IReadOnlyList<HomeMeterReadings> Homes, long[] OutdoorTicks, double[] OutdoorCelsius);

/// <summary>A line of a readings file that cannot be read: the file, the line and what is wrong.</summary>
internal sealed class HeatingReadingsException(string message) : Exception(message);

/// <summary>
/// Reads the heating report's CSV file: a header naming the columns <c>time</c> (ISO 8601 with <c>Z</c> or an offset),
/// <c>home</c> (empty for the outdoor sensor), <c>quantity</c> (<c>energy_kwh</c>, a cumulative counter, or
/// <c>outdoor_c</c>) and <c>value</c>, in any order. Parsed from bytes, without a string per line, so that a year
/// of 15-minute readings for a thousand homes reads in seconds.
/// </summary>
internal static class HeatingReadingsCsv
{
    private static readonly byte[] EnergyKwh = "energy_kwh"u8.ToArray();
    private static readonly byte[] OutdoorCelsius = "outdoor_c"u8.ToArray();

    /// <exception cref="HeatingReadingsException">A line is malformed; the message names the file, the line and the column.</exception>
    public static HeatingReadings Read(Stream stream, string fileName, Func<string, CounterRules> rulesOfHome)
    {
        var homes = new Dictionary<string, Series>(StringComparer.Ordinal);
        var lookup = homes.GetAlternateLookup<ReadOnlySpan<char>>();
        var outdoor = new Series();
        Columns? columns = null;
        var lineNumber = 0;
        Span<char> homeChars = stackalloc char[256];
        Span<Range> fields = stackalloc Range[5];
        foreach (var line in Lines(stream))
        {
            lineNumber++;
            var text = line.Span;
            if (text.IsEmpty)
            {
                continue;
            }

            if (columns is null)
            {
                columns = Columns.FromHeader(text, fileName);
                continue;
            }

            var count = SplitColumns(text, fields);
            if (count != 4)
            {
                throw Problem(fileName, lineNumber, $"{count} columns, expected 4 (time, home, quantity, value)");
            }

            var quantity = text[fields[columns.Quantity]];
            var time = text[fields[columns.Time]];
            if (!TryParseInstant(time, out var ticks))
            {
                throw Problem(fileName, lineNumber, $"time '{Encoding.UTF8.GetString(time)}' is not an ISO 8601 instant with Z or an offset");
            }

            var valueText = text[fields[columns.Value]];
            if (!Utf8Parser.TryParse(valueText, out double value, out var consumed) || consumed != valueText.Length || !double.IsFinite(value))
            {
                throw Problem(fileName, lineNumber, $"value '{Encoding.UTF8.GetString(valueText)}' is not a number");
            }

            var home = text[fields[columns.Home]];
            if (quantity.SequenceEqual(OutdoorCelsius))
            {
                outdoor.Add(ticks, value);
            }
            else if (quantity.SequenceEqual(EnergyKwh))
            {
                if (home.IsEmpty)
                {
                    throw Problem(fileName, lineNumber, "energy_kwh needs a home");
                }

                var length = Encoding.UTF8.GetChars(home, homeChars);
                if (!lookup.TryGetValue(homeChars[..length], out var series))
                {
                    series = new Series();
                    homes.Add(new string(homeChars[..length]), series);
                }

                series.Add(ticks, value);
            }
            else
            {
                throw Problem(fileName, lineNumber, $"quantity '{Encoding.UTF8.GetString(quantity)}' is neither energy_kwh nor outdoor_c");
            }
        }

        if (columns is null)
        {
            throw new HeatingReadingsException($"{fileName}: empty file; expected a header time,home,quantity,value");
        }

        var meters = homes.OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => h.Value.ToMeter(h.Key, rulesOfHome(h.Key)))
            .ToList();
        var (outdoorTicks, outdoorValues) = outdoor.Sorted();
        return new HeatingReadings(meters, outdoorTicks, outdoorValues);
    }

    /// <summary>ISO 8601 <c>yyyy-MM-ddTHH:mm[:ss[.f…]]</c> followed by <c>Z</c> or <c>±hh:mm</c>, as UTC ticks.</summary>
    internal static bool TryParseInstant(ReadOnlySpan<byte> text, out long utcTicks)
    {
        utcTicks = 0;
        if (text.Length < 17 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') || text[13] != ':')
        {
            return false;
        }

        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute))
        {
            return false;
        }

        var position = 16;
        var second = 0;
        long fraction = 0;
        if (position < text.Length && text[position] == ':')
        {
            if (!Digits(text, position + 1, 2, out second))
            {
                return false;
            }

            position += 3;
            if (position < text.Length && text[position] == '.')
            {
                position++;
                var scale = TimeSpan.TicksPerSecond;
                while (position < text.Length && text[position] is >= (byte)'0' and <= (byte)'9')
                {
                    scale /= 10;
                    fraction += (text[position] - '0') * scale;
                    position++;
                }
            }
        }

        long offsetTicks;
        if (position == text.Length - 1 && text[position] == 'Z')
        {
            offsetTicks = 0;
        }
        else if (position == text.Length - 6 && text[position] is (byte)'+' or (byte)'-' && text[position + 3] == ':'
            && Digits(text, position + 1, 2, out var offsetHours) && Digits(text, position + 4, 2, out var offsetMinutes))
        {
            offsetTicks = ((offsetHours * 60) + offsetMinutes) * TimeSpan.TicksPerMinute * (text[position] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || year < 1)
        {
            return false;
        }

        utcTicks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fraction - offsetTicks;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if (digit is < 0 or > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }

    /// <summary>The file's lines without their end of line (LF or CRLF), read in 1 MiB blocks.</summary>
    private static IEnumerable<ReadOnlyMemory<byte>> Lines(Stream stream)
    {
        var buffer = new byte[1 << 20];
        var filled = 0;
        while (true)
        {
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            var start = 0;
            while (true)
            {
                var end = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
                if (end < 0)
                {
                    break;
                }

                yield return Trim(buffer.AsMemory(start, end - start));
                start = end + 1;
            }

            if (read == 0)
            {
                if (start < filled)
                {
                    yield return Trim(buffer.AsMemory(start, filled - start));
                }

                yield break;
            }

            buffer.AsSpan(start, filled - start).CopyTo(buffer);
            filled -= start;
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2); // A line longer than the block: grow rather than cut it.
            }
        }
    }

    /// <summary>Splits a line at commas into <paramref name="fields"/>; returns the number of columns (more than fit are counted, not kept).</summary>
    private static int SplitColumns(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        var start = 0;
        while (true)
        {
            var comma = line[start..].IndexOf((byte)',');
            var end = comma < 0 ? line.Length : start + comma;
            if (count < fields.Length)
            {
                fields[count] = new Range(start, end);
            }

            count++;
            if (comma < 0)
            {
                return count;
            }

            start = end + 1;
        }
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> line) =>
        line.Length > 0 && line.Span[^1] == '\r' ? line[..^1] : line;

    private static HeatingReadingsException Problem(string fileName, int line, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{fileName}:{line}: {what}"));

    /// <summary>Where each column is, from the header.</summary>
    private sealed record Columns(int Time, int Home, int Quantity, int Value)
    {
        public static Columns FromHeader(ReadOnlySpan<byte> header, string fileName)
        {
            var names = Encoding.UTF8.GetString(header).Split(',').Select(n => n.Trim().ToLowerInvariant()).ToList();
            int Index(string name) => names.IndexOf(name) is var index and >= 0
                ? index
                : throw new HeatingReadingsException($"{fileName}:1: the header has no '{name}' column (expected time,home,quantity,value)");
            return new Columns(Index("time"), Index("home"), Index("quantity"), Index("value"));
        }
    }

    /// <summary>One series' readings as they arrive.</summary>
    private sealed class Series
    {
        private long[] ticks = new long[1024];
        private double[] values = new double[1024];
        private int count;
        private bool ordered = true;

        public void Add(long tick, double value)
        {
            if (count == ticks.Length)
            {
                Array.Resize(ref ticks, count * 2);
                Array.Resize(ref values, count * 2);
            }

            ordered &= count == 0 || tick >= ticks[count - 1];
            ticks[count] = tick;
            values[count++] = value;
        }

        public (long[] Ticks, double[] Values) Sorted()
        {
            var sortedTicks = ticks[..count];
            var sortedValues = values[..count];
            if (!ordered)
            {
                Array.Sort(sortedTicks, sortedValues);
            }

            return (sortedTicks, sortedValues);
        }

        public HomeMeterReadings ToMeter(string home, CounterRules rules)
        {
            var (sortedTicks, sortedValues) = Sorted();
            return new HomeMeterReadings(home, sortedTicks, sortedValues, rules);
        }
    }
}
