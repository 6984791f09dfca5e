using Loos.Edge.Core;
using Loos.Edge.Core.LineProtocol;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>The payload kinds of <see cref="MqttMappingOptions.Payload"/>.</summary>
internal enum PayloadFormat : byte
{
    Json,
    Number,
    LineProtocol,
}

/// <summary>One step of a JSON path: a property name (UTF-8) or an array index.</summary>
internal readonly record struct PathStep(byte[]? Name, int Index)
{
    public override string ToString() => Name is null ? $"[{Index}]" : System.Text.Encoding.UTF8.GetString(Name);
}

internal sealed record FieldPlan(string Name, PathStep[] Path, string Unit, double Scale, double Offset, ValueKind Kind, bool Required);

internal sealed record TimestampPlan(string PathText, PathStep[] Path, bool AcceptsIso, long? TicksPerUnixUnit, TimeZoneInfo Zone);

/// <summary>A subscription with its preset applied, checked and parsed: what the mapper compiles.</summary>
internal sealed record MappingPlan(
    int Index,
    MqttTopicFilter Filter,
    PayloadFormat Format,
    string Measurement,
    Tag[] Tags,
    FieldPlan[] Fields,
    TimestampPlan? Timestamp,
    LineProtocolPrecision Precision);
