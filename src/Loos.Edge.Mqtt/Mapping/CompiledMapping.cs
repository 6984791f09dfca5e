using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
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
    // 2^53: the largest magnitude up to which every integer has an exact double (IEEE 754 binary64, 53-bit significand).
    private const double MaxExactInteger = 9_007_199_254_740_992d;

    private const int TimestampTarget = -1;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    private readonly ISeriesCatalog catalog;
    private readonly FieldPlan[] fields;
    private readonly JsonPathNode root = new();
    private readonly double[] values;
    private readonly bool[] present;
    private readonly TopicSeries topicSeries;
    private DateTimeOffset? messageTimestamp;

    public CompiledMapping(MappingPlan plan, ISeriesCatalog catalog)
    {
        Plan = plan;
        this.catalog = catalog;
        fields = plan.Fields;
        values = new double[fields.Length];
        present = new bool[fields.Length];
        topicSeries = new TopicSeries(plan, catalog);
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
                problem = $"payload is JSON but not an object: \"{PayloadScalars.Snippet(payload)}\"";
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
                problem = $"field '{fields[i].Name}' (path '{JsonPathNode.Text(fields[i].Path)}') is required and absent";
                return false;
            }
        }

        if (topicSeries.SeriesFor(topic, out problem) is not { } series)
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

    private string? Visit(ref Utf8JsonReader reader, JsonPathNode node)
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
                JsonPathNode? child = null;
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
                JsonPathNode? child = null;
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
                    return $"field '{field.Name}': {PayloadScalars.RawText(ref reader)} is out of range";
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
                if (!PayloadScalars.TryReadStringScalar(ref reader, field.Kind, out raw))
                {
                    return $"field '{field.Name}': \"{PayloadScalars.Snippet(reader.GetString())}\" is not {(field.Kind == ValueKind.Boolean ? "a boolean" : "a number")}";
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

    private string? ReadTimestamp(ref Utf8JsonReader reader)
    {
        var timestamp = Plan.Timestamp!;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when timestamp.TicksPerUnixUnit is { } ticksPerUnit:
                if (PayloadScalars.TryFromUnix(ref reader, ticksPerUnit, out var instant))
                {
                    messageTimestamp = instant;
                    return null;
                }

                return $"timestamp '{timestamp.PathText}': {PayloadScalars.RawText(ref reader)} is out of range";
            case JsonTokenType.String when timestamp.AcceptsIso:
                if (PayloadScalars.TryReadIsoTimestamp(ref reader, timestamp.Zone, out var parsed))
                {
                    messageTimestamp = parsed;
                    return null;
                }

                return $"timestamp '{timestamp.PathText}': \"{PayloadScalars.Snippet(reader.GetString())}\" is not an ISO 8601 date and time";
            case JsonTokenType.Number:
                return $"timestamp '{timestamp.PathText}': a number, where the format is iso8601";
            case JsonTokenType.String:
                return $"timestamp '{timestamp.PathText}': \"{PayloadScalars.Snippet(reader.GetString())}\" is text, where the format is a Unix time";
            default:
                return $"timestamp '{timestamp.PathText}': not a date and time";
        }
    }

    private bool TryMapNumber(string topic, in ReadOnlySequence<byte> payload, DateTimeOffset receivedAt, List<Reading> readings, out string? problem)
    {
        var field = fields[0];
        double raw;
        if (payload.Length > PayloadScalars.MaxScalarBytes)
        {
            problem = $"payload \"{PayloadScalars.Snippet(payload)}\" is not {(field.Kind == ValueKind.Boolean ? "a boolean" : "a number")}";
            return false;
        }

        Span<byte> buffer = stackalloc byte[PayloadScalars.MaxScalarBytes];
        payload.CopyTo(buffer);
        if (!PayloadScalars.TryParseScalar(buffer[..(int)payload.Length], field.Kind, out raw))
        {
            problem = $"payload \"{PayloadScalars.Snippet(payload)}\" is not {(field.Kind == ValueKind.Boolean ? "a boolean" : "a number")}";
            return false;
        }

        if (Store(0, raw) is { } reason)
        {
            problem = $"payload {reason}";
            return false;
        }

        if (topicSeries.SeriesFor(topic, out problem) is not { } series)
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

        if ((Plan.Tags.Length > 0 || Filter.Tags.Count > 0) && !topicSeries.TryTag(topic, CollectionsMarshal.AsSpan(readings)[first..], out problem))
        {
            readings.RemoveRange(first, readings.Count - first);
            return false;
        }

        problem = null;
        return true;
    }
}
