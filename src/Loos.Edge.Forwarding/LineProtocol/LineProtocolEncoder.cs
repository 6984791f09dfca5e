using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Loos.Edge.Core;

namespace Loos.Edge.Forwarding.LineProtocol;

/// <summary>
/// Encodes readings as InfluxDB line protocol with nanosecond timestamps, the whole 100 ns resolution a reading holds,
/// so that readings of one series less than a millisecond apart stay distinct points
/// (https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/). Each series' escaped
/// prefix is encoded once and cached by id, so encoding a batch copies bytes and formats numbers only. A reading's
/// quality is the string field <c>&lt;field&gt;_quality</c>: <c>"stale"</c>, <c>"estimated"</c> or <c>"clock-unsynced"</c>, and for a good
/// reading nothing, except in a republished series (<see cref="SeriesKey.Republished"/>), where it is <c>"good"</c>.
/// Not thread-safe: one encoder per target.
/// </summary>
internal sealed class LineProtocolEncoder(ISeriesCatalog catalog)
{
    // Line protocol reference, "Special characters": measurements escape comma and space; tag keys, tag values
    // and field keys escape comma, equals sign and space.
    private static readonly SearchValues<char> MeasurementSpecials = SearchValues.Create(", ");
    private static readonly SearchValues<char> KeySpecials = SearchValues.Create(",= ");
    private static readonly SearchValues<char> LineBreaks = SearchValues.Create("\r\n");

    private static readonly byte[] QualityGood = "=\"good\""u8.ToArray();
    private static readonly byte[] QualityStale = "=\"stale\""u8.ToArray();
    private static readonly byte[] QualityEstimated = "=\"estimated\""u8.ToArray();
    private static readonly byte[] QualityClockUnsynced = "=\"clock-unsynced\""u8.ToArray();

    private SeriesShape?[] shapes = new SeriesShape?[64];

    /// <summary>
    /// Appends <paramref name="readings"/> to <paramref name="output"/>, one line per run of adjacent readings that
    /// share measurement, tags, unit and timestamp (each field once per line).
    /// </summary>
    // Compiled fully optimised at the first batch, as the parser is: a backlog after start is not sent through
    // unoptimised code while the background compiler waits for a core.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encode(ReadOnlySpan<Reading> readings, LineProtocolBuffer output)
    {
        var index = 0;
        while (index < readings.Length)
        {
            var first = readings[index];
            var shape = GetShape(first.Series);
            if (shape.InvalidReason is not null)
            {
                output.AddUnencodable(first, shape.Text, shape.InvalidReason);
                index++;
                continue;
            }

            var lineStart = output.WrittenCount;
            Write(output, shape.Prefix);
            var fields = 0;
            var lineReadings = 0;
            var next = index;
            for (; next < readings.Length; next++)
            {
                var reading = readings[next];
                var candidate = next == index ? shape : GetShape(reading.Series);
                if (next > index
                    && (reading.Timestamp != first.Timestamp
                        || candidate.InvalidReason is not null
                        || !candidate.Prefix.AsSpan().SequenceEqual(shape.Prefix)
                        || FieldRepeats(readings[index..next], candidate)))
                {
                    break;
                }

                if (!IsWritable(reading, candidate, out var reason))
                {
                    output.AddUnencodable(reading, candidate.Text, reason);
                    continue;
                }

                WriteFields(output, reading, candidate, ref fields);
                lineReadings++;
            }

            if (fields == 0)
            {
                output.Truncate(lineStart);
            }
            else
            {
                WriteByte(output, (byte)' ');
                WriteUnixNanoseconds(output, first.Timestamp);
                WriteByte(output, (byte)'\n');
                output.AddLine(lineStart, lineReadings);
            }

            index = next;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsWritable(Reading reading, SeriesShape shape, out string reason)
    {
        if (Math.Abs(reading.Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) > long.MaxValue / 100)
        {
            // A line-protocol timestamp is a signed 64-bit count of nanoseconds: 1677-09-21 to 2262-04-11.
            reason = $"{reading.Timestamp.UtcDateTime:O} is outside the time range of line protocol (1677-09-21 to 2262-04-11)";
            return false;
        }

        if (double.IsFinite(reading.Value) || reading.Quality != Quality.Good)
        {
            if (shape.Kind == ValueKind.Integer && double.IsFinite(reading.Value) && Math.Abs(reading.Value) >= 9.2e18)
            {
                // A signed 64-bit integer field holds at most 2^63 − 1 ≈ 9.22e18.
                reason = $"{reading.Value.ToString("R", CultureInfo.InvariantCulture)} does not fit an integer field";
                return false;
            }

            reason = string.Empty;
            return true;
        }

        reason = $"a good reading cannot carry {reading.Value.ToString(CultureInfo.InvariantCulture)}: line protocol has no NaN or infinity";
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool FieldRepeats(ReadOnlySpan<Reading> lineSoFar, SeriesShape candidate)
    {
        // Catalog lookups are cached shapes, so this costs a few comparisons on short lines.
        foreach (var reading in lineSoFar)
        {
            if (reading.Series == candidate.Id)
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteFields(LineProtocolBuffer output, Reading reading, SeriesShape shape, ref int fields)
    {
        if (double.IsFinite(reading.Value))
        {
            WriteByte(output, fields++ == 0 ? (byte)' ' : (byte)',');
            Write(output, shape.Field);
            WriteByte(output, (byte)'=');
            switch (shape.Kind)
            {
                case ValueKind.Integer:
                    WriteInt64(output, (long)Math.Round(reading.Value, MidpointRounding.AwayFromZero));
                    WriteByte(output, (byte)'i');
                    break;
                case ValueKind.Boolean:
                    Write(output, reading.Value != 0 ? "true"u8 : "false"u8);
                    break;
                default:
                    WriteDouble(output, reading.Value);
                    break;
            }
        }

        // A good reading writes no quality, except in a republished series, where it replaces an earlier point's.
        if (reading.Quality != Quality.Good || shape.Republished)
        {
            WriteByte(output, fields++ == 0 ? (byte)' ' : (byte)',');
            Write(output, shape.Field);
            Write(output, "_quality"u8);
            Write(output, reading.Quality switch
            {
                Quality.Good => QualityGood,
                Quality.Stale => QualityStale,
                Quality.ClockUnsynced => QualityClockUnsynced,
                _ => QualityEstimated,
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SeriesShape GetShape(SeriesId id)
    {
        var slot = id.Value;
        if ((uint)slot < (uint)shapes.Length && shapes[slot] is { } cached)
        {
            return cached;
        }

        if (slot >= shapes.Length)
        {
            Array.Resize(ref shapes, Math.Max(slot + 1, shapes.Length * 2));
        }

        var shape = SeriesShape.Create(id, catalog[id]);
        shapes[slot] = shape;
        return shape;
    }

    private static void Write(LineProtocolBuffer output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    private static void WriteByte(LineProtocolBuffer output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteInt64(LineProtocolBuffer output, long value)
    {
        var span = output.GetSpan(20); // long.MinValue has 20 characters.
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteUnixNanoseconds(LineProtocolBuffer output, DateTimeOffset timestamp)
    {
        // One tick is 100 ns; every DateTimeOffset InfluxDB can store (1677–2262) fits an int64 of nanoseconds.
        WriteInt64(output, (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteDouble(LineProtocolBuffer output, double value)
    {
        // "R" gives the shortest text that parses back to the same double, e.g. 0.1, 1E+16, 1.5E-07; InfluxDB 1.x
        // and 2.x and VictoriaMetrics all parse this exponent form. 32 bytes cover the longest such text. Most readings
        // are short decimals, written the same without the general formatter.
        var span = output.GetSpan(32);
        if (!ShortDecimal.TryFormat(value, span, out var written))
        {
            value.TryFormat(span, out written, "R", CultureInfo.InvariantCulture);
        }

        output.Advance(written);
    }

    /// <summary>What the encoder needs of one series, encoded once.</summary>
    private sealed class SeriesShape
    {
        private SeriesShape(SeriesId id, SeriesKey key)
        {
            Id = id;
            Kind = key.Kind;
            Republished = key.Republished;
            Text = key.ToString();
        }

        public SeriesId Id { get; }

        public ValueKind Kind { get; }

        /// <summary>Whether every reading writes its quality (see <see cref="SeriesKey.Republished"/>).</summary>
        public bool Republished { get; }

        /// <summary><c>measurement,tag=value,…</c>, escaped, with the unit tag in key order.</summary>
        public byte[] Prefix { get; private set; } = [];

        /// <summary>The escaped field key.</summary>
        public byte[] Field { get; private set; } = [];

        public string Text { get; }

        /// <summary>Why readings of this series cannot be written at all, or null.</summary>
        public string? InvalidReason { get; private set; }

        public static SeriesShape Create(SeriesId id, SeriesKey key)
        {
            var shape = new SeriesShape(id, key);
            shape.InvalidReason = FindProblem(key);
            if (shape.InvalidReason is not null)
            {
                return shape;
            }

            var prefix = new StringBuilder();
            Escape(prefix, key.Measurement, MeasurementSpecials);
            var unitPending = key.Unit.Length > 0 && key.GetTag("unit") is null;
            foreach (var tag in key.Tags)
            {
                if (unitPending && string.CompareOrdinal("unit", tag.Key) < 0)
                {
                    AppendTag(prefix, "unit", key.Unit);
                    unitPending = false;
                }

                AppendTag(prefix, tag.Key, tag.Value);
            }

            if (unitPending)
            {
                AppendTag(prefix, "unit", key.Unit);
            }

            var field = new StringBuilder();
            Escape(field, key.Field, KeySpecials);
            shape.Prefix = Encoding.UTF8.GetBytes(prefix.ToString());
            shape.Field = Encoding.UTF8.GetBytes(field.ToString());
            return shape;
        }

        private static void AppendTag(StringBuilder builder, string key, string value)
        {
            builder.Append(',');
            Escape(builder, key, KeySpecials);
            builder.Append('=');
            Escape(builder, value, KeySpecials);
        }

        private static void Escape(StringBuilder builder, string text, SearchValues<char> specials)
        {
            foreach (var character in text)
            {
                if (specials.Contains(character))
                {
                    builder.Append('\\');
                }

                builder.Append(character);
            }
        }

        private static string? FindProblem(SeriesKey key)
        {
            if (key.Measurement.StartsWith('#'))
            {
                // A line starting with '#' is a comment in line protocol.
                return "a measurement starting with '#' would be read as a comment";
            }

            if (Bad(key.Measurement) || Bad(key.Field) || Bad(key.Unit))
            {
                return "a name holds a line break or ends with a backslash, which line protocol cannot carry";
            }

            foreach (var tag in key.Tags)
            {
                if (Bad(tag.Key) || Bad(tag.Value))
                {
                    return "a tag holds a line break or ends with a backslash, which line protocol cannot carry";
                }
            }

            return null;

            // A trailing backslash would escape the separator after it; InfluxDB 1.x has no escape for a backslash itself.
            static bool Bad(string text) => text.AsSpan().ContainsAny(LineBreaks) || text.EndsWith('\\');
        }
    }
}
