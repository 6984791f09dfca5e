using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Loos.Edge.Core;
using Loos.Edge.Core.LineProtocol;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>
/// One subscription ready for messages: its JSON paths merged into one tree walked in a single pass of a
/// <see cref="Utf8JsonReader"/>, and its series ids cached per topic, so that a steady stream of messages allocates
/// nothing but what a malformed message costs. Safe for one caller at a time.
/// </summary>
internal sealed class CompiledMapping
{
    // Bounds the caches when devices keep appearing under a wildcard; the catalogue keeps every id, so clearing only
    // costs building the keys again. 4 096 topics × a dozen fields is well under a megabyte.
    internal const int MaxCachedTopics = 4096;

    // 2^53: the largest magnitude up to which every integer has an exact double (IEEE 754 binary64, 53-bit significand).
    private const double MaxExactInteger = 9_007_199_254_740_992d;

    // Longer strings are not numbers, booleans or timestamps that a device sends; they are quoted in the problem instead.
    private const int MaxScalarBytes = 64;

    private const int TimestampTarget = -1;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    private readonly ISeriesCatalog catalog;
    private readonly FieldPlan[] fields;
    private readonly PathNode root = new();
    private readonly double[] values;
    private readonly bool[] present;
    private readonly Dictionary<string, SeriesId[]> seriesByTopic = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, SeriesId Series), SeriesId> lineSeriesByTopic = [];
    private DateTimeOffset? messageTimestamp;

    public CompiledMapping(MappingPlan plan, ISeriesCatalog catalog)
    {
        Plan = plan;
        this.catalog = catalog;
        fields = plan.Fields;
        values = new double[fields.Length];
        present = new bool[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            root.Descend(fields[i].Path).Targets.Add(i);
        }

        if (plan.Timestamp is { } timestamp)
        {
            root.Descend(timestamp.Path).Targets.Add(TimestampTarget);
        }
    }

    public MappingPlan Plan { get; }

    public MqttTopicFilter Filter => Plan.Filter;

    public bool TryMap(string topic, in ReadOnlySequence<byte> payload, DateTimeOffset receivedAt, List<Reading> readings, out string? problem)
    {
        var receivedUtc = receivedAt.ToUniversalTime();
        if (payload.IsEmpty)
        {
            problem = "payload is empty";
            return false;
        }

        return Plan.Format switch
        {
            PayloadFormat.Json => TryMapJson(topic, payload, receivedUtc, readings, out problem),
            PayloadFormat.Number => TryMapNumber(topic, payload, receivedUtc, readings, out problem),
            _ => TryMapLineProtocol(topic, payload, receivedUtc, readings, out problem),
        };
    }

    private bool TryMapJson(string topic, in ReadOnlySequence<byte> payload, DateTimeOffset receivedAt, List<Reading> readings, out string? problem)
    {
        Array.Clear(present);
        messageTimestamp = null;
        var reader = new Utf8JsonReader(payload, ReaderOptions);
        try
        {
            reader.Read();
            if (root.Properties.Count > 0 && reader.TokenType != JsonTokenType.StartObject)
            {
                // Skipping first reports a malformed value as such rather than as the wrong kind of JSON.
                reader.Skip();
                problem = $"payload is JSON but not an object: \"{Snippet(payload)}\"";
                return false;
            }

            problem = Visit(ref reader, root);
            if (problem is not null)
            {
                return false;
            }

            // Reads past the value so that trailing garbage is reported like any other malformed payload.
            while (reader.Read())
            {
            }
        }
        catch (JsonException exception)
        {
            // Utf8JsonReader has no non-throwing read: a malformed payload, rare on a working installation, costs one
            // exception. Its message ends in "LineNumber: 0 | BytePositionInLine: 17."; the position is restated.
            var reason = exception.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = (cut >= 0 ? reason[..cut] : reason)
                .Replace(" Change the reader options.", string.Empty, StringComparison.Ordinal)
                .Replace(" which is not supported in this mode", string.Empty, StringComparison.Ordinal)
                .Trim()
                .TrimEnd('.');
            var where = exception.LineNumber is > 0
                ? $"line {exception.LineNumber + 1}, byte {exception.BytePositionInLine}"
                : $"byte {exception.BytePositionInLine}";
            problem = $"payload is not JSON: {reason}, at {where}";
            return false;
        }

        for (var i = 0; i < fields.Length; i++)
        {
            if (fields[i].Required && !present[i])
            {
                problem = $"field '{fields[i].Name}' (path '{PathText(fields[i].Path)}') is required and absent";
                return false;
            }
        }

        if (SeriesFor(topic, out problem) is not { } series)
        {
            return false;
        }

        var timestamp = messageTimestamp ?? receivedAt;
        for (var i = 0; i < fields.Length; i++)
        {
            if (present[i])
            {
                readings.Add(new Reading(series[i], timestamp, values[i]));
            }
        }

        return true;
    }

    private string? Visit(ref Utf8JsonReader reader, PathNode node)
    {
        foreach (var target in node.Targets)
        {
            var problem = target == TimestampTarget ? ReadTimestamp(ref reader) : ReadField(ref reader, target);
            if (problem is not null)
            {
                return problem;
            }
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            if (node.Properties.Count == 0)
            {
                reader.Skip();
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                PathNode? child = null;
                foreach (var property in node.Properties)
                {
                    if (reader.ValueTextEquals(property.Key))
                    {
                        child = property.Value;
                        break;
                    }
                }

                reader.Read();
                if (child is null)
                {
                    reader.Skip();
                }
                else if (Visit(ref reader, child) is { } problem)
                {
                    return problem;
                }
            }
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            if (node.Elements.Count == 0)
            {
                reader.Skip();
                return null;
            }

            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                PathNode? child = null;
                foreach (var element in node.Elements)
                {
                    if (element.Key == index)
                    {
                        child = element.Value;
                        break;
                    }
                }

                if (child is null)
                {
                    reader.Skip();
                }
                else if (Visit(ref reader, child) is { } problem)
                {
                    return problem;
                }

                index++;
            }
        }

        return null;
    }

    private string? ReadField(ref Utf8JsonReader reader, int index)
    {
        var field = fields[index];
        double raw;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                if (!reader.TryGetDouble(out raw) || !double.IsFinite(raw))
                {
                    return $"field '{field.Name}': {Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan)} is out of range";
                }

                break;
            case JsonTokenType.True or JsonTokenType.False:
                if (field.Kind != ValueKind.Boolean)
                {
                    return $"field '{field.Name}': {(reader.TokenType == JsonTokenType.True ? "true" : "false")} is not a number";
                }

                raw = reader.TokenType == JsonTokenType.True ? 1 : 0;
                break;
            case JsonTokenType.String:
                if (!TryReadStringScalar(ref reader, field.Kind, out raw))
                {
                    return $"field '{field.Name}': \"{Snippet(reader.GetString())}\" is not {(field.Kind == ValueKind.Boolean ? "a boolean" : "a number")}";
                }

                break;
            default:
                return $"field '{field.Name}': {(reader.TokenType == JsonTokenType.StartArray ? "an array" : "an object")} is not a value";
        }

        return Store(index, raw) is { } reason ? $"field '{field.Name}': {reason}" : null;
    }

    /// <summary>Scales and keeps the value of field <paramref name="index"/>; what is wrong with it (unprefixed) otherwise.</summary>
    private string? Store(int index, double raw)
    {
        var field = fields[index];
        double value;
        if (field.Kind == ValueKind.Boolean)
        {
            value = raw != 0 ? 1 : 0;
        }
        else
        {
            value = (raw * field.Scale) + field.Offset;
            if (!double.IsFinite(value))
            {
                return $"{raw.ToString(CultureInfo.InvariantCulture)} is out of range";
            }

            if (field.Kind == ValueKind.Integer && (value != Math.Floor(value) || Math.Abs(value) > MaxExactInteger))
            {
                return $"{value.ToString(CultureInfo.InvariantCulture)} is not an integer";
            }
        }

        values[index] = value;
        present[index] = true;
        return null;
    }

    private static bool TryReadStringScalar(ref Utf8JsonReader reader, ValueKind kind, out double value)
    {
        value = 0;
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxScalarBytes)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[MaxScalarBytes];
        var text = buffer[..reader.CopyString(buffer)];
        return TryParseScalar(text, kind, out value);
    }

    /// <summary>A number, or for a boolean also ON/OFF and true/false in any case.</summary>
    private static bool TryParseScalar(ReadOnlySpan<byte> text, ValueKind kind, out double value)
    {
        text = text.Trim(" \t\r\n"u8);
        if (kind == ValueKind.Boolean)
        {
            if (Ascii.EqualsIgnoreCase(text, "on"u8) || Ascii.EqualsIgnoreCase(text, "true"u8))
            {
                value = 1;
                return true;
            }

            if (Ascii.EqualsIgnoreCase(text, "off"u8) || Ascii.EqualsIgnoreCase(text, "false"u8))
            {
                value = 0;
                return true;
            }
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    private string? ReadTimestamp(ref Utf8JsonReader reader)
    {
        var timestamp = Plan.Timestamp!;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when timestamp.TicksPerUnixUnit is { } ticksPerUnit:
                if (TryFromUnix(ref reader, ticksPerUnit, out var instant))
                {
                    messageTimestamp = instant;
                    return null;
                }

                return $"timestamp '{timestamp.PathText}': {Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan)} is out of range";
            case JsonTokenType.String when timestamp.AcceptsIso:
                if (TryReadIsoTimestamp(ref reader, timestamp.Zone, out var parsed))
                {
                    messageTimestamp = parsed;
                    return null;
                }

                return $"timestamp '{timestamp.PathText}': \"{Snippet(reader.GetString())}\" is not an ISO 8601 date and time";
            case JsonTokenType.Number:
                return $"timestamp '{timestamp.PathText}': a number, where the format is iso8601";
            case JsonTokenType.String:
                return $"timestamp '{timestamp.PathText}': \"{Snippet(reader.GetString())}\" is text, where the format is a Unix time";
            default:
                return $"timestamp '{timestamp.PathText}': not a date and time";
        }
    }

    private static bool TryFromUnix(ref Utf8JsonReader reader, long ticksPerUnit, out DateTimeOffset instant)
    {
        instant = default;
        const long MaxUtcTicks = 3_155_378_975_999_999_999; // DateTimeOffset.MaxValue.UtcTicks
        long ticks;
        if (reader.TryGetInt64(out var whole))
        {
            // Integers in exact arithmetic: Unix milliseconds of today are beyond the 2^53 a double holds exactly once
            // multiplied into ticks.
            if (whole > (MaxUtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / ticksPerUnit || whole < -DateTimeOffset.UnixEpoch.UtcTicks / ticksPerUnit)
            {
                return false;
            }

            ticks = (whole * ticksPerUnit) + DateTimeOffset.UnixEpoch.UtcTicks;
        }
        else
        {
            if (!reader.TryGetDouble(out var units))
            {
                return false;
            }

            var exact = Math.Round(units * ticksPerUnit) + DateTimeOffset.UnixEpoch.UtcTicks;
            if (!double.IsFinite(exact) || exact < 0 || exact > MaxUtcTicks)
            {
                return false;
            }

            ticks = (long)exact;
        }

        instant = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    private static bool TryReadIsoTimestamp(ref Utf8JsonReader reader, TimeZoneInfo zone, out DateTimeOffset instant)
    {
        instant = default;
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxScalarBytes)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[MaxScalarBytes];
        var utf8 = bytes[..reader.CopyString(bytes)];
        Span<char> chars = stackalloc char[MaxScalarBytes];
        if (!Ascii.IsValid(utf8))
        {
            return false;
        }

        var text = chars[..Encoding.ASCII.GetChars(utf8, chars)];
        return TryParseIso(text, zone, out instant);
    }

    /// <summary>
    /// Reads <c>yyyy-MM-ddTHH:mm:ss[.fff][Z|±hh:mm]</c>. Without an offset the time is local to <paramref name="zone"/>;
    /// a time the clocks skip or repeat at a daylight saving change is read with the zone's standard offset.
    /// </summary>
    internal static bool TryParseIso(ReadOnlySpan<char> text, TimeZoneInfo zone, out DateTimeOffset instant)
    {
        instant = default;
        if (text.Length < 16 || text[4] != '-' || text[7] != '-' || text[10] is not ('T' or 't' or ' '))
        {
            return false;
        }

        var time = text[11..];
        var hasOffset = time[^1] is 'Z' or 'z' || time.IndexOfAny('+', '-') >= 0;
        if (hasOffset)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            {
                return false;
            }

            instant = withOffset.ToUniversalTime();
            return true;
        }

        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var offset = zone.IsInvalidTime(local) || zone.IsAmbiguousTime(local) ? zone.BaseUtcOffset : zone.GetUtcOffset(local);
        instant = new DateTimeOffset(local, offset).ToUniversalTime();
        return true;
    }

    private bool TryMapNumber(string topic, in ReadOnlySequence<byte> payload, DateTimeOffset receivedAt, List<Reading> readings, out string? problem)
    {
        var field = fields[0];
        double raw;
        if (payload.Length > MaxScalarBytes)
        {
            problem = $"payload \"{Snippet(payload)}\" is not {(field.Kind == ValueKind.Boolean ? "a boolean" : "a number")}";
            return false;
        }

        Span<byte> buffer = stackalloc byte[MaxScalarBytes];
        payload.CopyTo(buffer);
        if (!TryParseScalar(buffer[..(int)payload.Length], field.Kind, out raw))
        {
            problem = $"payload \"{Snippet(payload)}\" is not {(field.Kind == ValueKind.Boolean ? "a boolean" : "a number")}";
            return false;
        }

        if (Store(0, raw) is { } reason)
        {
            problem = $"payload {reason}";
            return false;
        }

        if (SeriesFor(topic, out problem) is not { } series)
        {
            return false;
        }

        readings.Add(new Reading(series[0], receivedAt, values[0]));
        return true;
    }

    private bool TryMapLineProtocol(string topic, in ReadOnlySequence<byte> payload, DateTimeOffset receivedAt, List<Reading> readings, out string? problem)
    {
        var first = readings.Count;
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> body;
            if (payload.IsSingleSegment)
            {
                body = payload.FirstSpan;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
                payload.CopyTo(rented);
                body = rented.AsSpan(0, (int)payload.Length);
            }

            if (!LineProtocolParser.TryParse(body, Plan.Precision, receivedAt, catalog, readings, out var error))
            {
                problem = $"payload is not line protocol: {error}";
                return false;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        if (Plan.Tags.Length > 0 || Filter.Tags.Count > 0)
        {
            var added = CollectionsMarshal.AsSpan(readings)[first..];
            foreach (ref var reading in added)
            {
                if (!lineSeriesByTopic.TryGetValue((topic, reading.Series), out var tagged))
                {
                    if (TagsFor(topic, out problem) is not { } tags)
                    {
                        readings.RemoveRange(first, readings.Count - first);
                        return false;
                    }

                    tagged = catalog.Intern(WithTags(catalog[reading.Series], tags));
                    if (lineSeriesByTopic.Count >= MaxCachedTopics)
                    {
                        lineSeriesByTopic.Clear();
                    }

                    lineSeriesByTopic[(topic, reading.Series)] = tagged;
                }

                reading = reading with { Series = tagged };
            }
        }

        problem = null;
        return true;
    }

    // The subscription's tags win over a line's own tag of the same key.
    private static SeriesKey WithTags(SeriesKey key, List<Tag> tags)
    {
        var merged = new List<Tag>(tags);
        foreach (var tag in key.Tags)
        {
            if (!tags.Exists(t => t.Key == tag.Key))
            {
                merged.Add(tag);
            }
        }

        return new SeriesKey(key.Measurement, merged, key.Field, key.Unit, key.Kind);
    }

    private SeriesId[]? SeriesFor(string topic, out string? problem)
    {
        problem = null;
        if (seriesByTopic.TryGetValue(topic, out var series))
        {
            return series;
        }

        if (TagsFor(topic, out problem) is not { } tags)
        {
            return null;
        }

        series = new SeriesId[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            series[i] = catalog.Intern(new SeriesKey(Plan.Measurement, tags, fields[i].Name, fields[i].Unit, fields[i].Kind));
        }

        if (seriesByTopic.Count >= MaxCachedTopics)
        {
            seriesByTopic.Clear();
        }

        seriesByTopic[topic] = series;
        return series;
    }

    private List<Tag>? TagsFor(string topic, out string? problem)
    {
        var tags = new List<Tag>(Plan.Tags);
        foreach (var topicTag in Filter.Tags)
        {
            var value = MqttTopicFilter.LevelOf(topic, topicTag.Level);
            if (value.IsEmpty)
            {
                problem = $"topic '{topic}': level {topicTag.Level} is empty, so tag '{topicTag.Tag}' has no value";
                return null;
            }

            tags.Add(new Tag(topicTag.Tag, value.ToString()));
        }

        problem = null;
        return tags;
    }

    private static string PathText(PathStep[] path)
    {
        var text = new StringBuilder();
        foreach (var step in path)
        {
            if (step.Name is not null && text.Length > 0)
            {
                text.Append('.');
            }

            text.Append(step.ToString());
        }

        return text.ToString();
    }

    // Problems quote the offending text, shortened so that a huge payload does not flood a log.
    private static string Snippet(string? text)
    {
        const int MaxChars = 40;
        text ??= string.Empty;
        return text.Length <= MaxChars ? text : string.Concat(text.AsSpan(0, MaxChars), "…");
    }

    private static string Snippet(in ReadOnlySequence<byte> payload) =>
        Snippet(Encoding.UTF8.GetString(payload.Length <= 256 ? payload : payload.Slice(0, 256)).Trim());

    private sealed class PathNode
    {
        public List<KeyValuePair<byte[], PathNode>> Properties { get; } = [];

        public List<KeyValuePair<int, PathNode>> Elements { get; } = [];

        /// <summary>The fields read at this node (their indices), and <see cref="TimestampTarget"/>.</summary>
        public List<int> Targets { get; } = [];

        public PathNode Descend(PathStep[] path)
        {
            var node = this;
            foreach (var step in path)
            {
                node = node.Child(step);
            }

            return node;
        }

        private PathNode Child(PathStep step)
        {
            if (step.Name is { } name)
            {
                foreach (var property in Properties)
                {
                    if (property.Key.AsSpan().SequenceEqual(name))
                    {
                        return property.Value;
                    }
                }

                var child = new PathNode();
                Properties.Add(new(name, child));
                return child;
            }

            foreach (var element in Elements)
            {
                if (element.Key == step.Index)
                {
                    return element.Value;
                }
            }

            var item = new PathNode();
            Elements.Add(new(step.Index, item));
            return item;
        }
    }
}
