namespace Loos.Edge.SunSpec;

/// <summary>A SunSpec model as the specification defines it: its points and its (repeating) groups.</summary>
/// <param name="Id">The model id (1 common, 103 three-phase inverter...).</param>
/// <param name="Name">The model's name in the SunSpec model tables (<c>common</c>, <c>inverter_three_phase</c>...).</param>
/// <param name="Group">The top-level group: the points from <c>ID</c> and <c>L</c> on, and the groups after them.</param>
public sealed record SunSpecModelDefinition(int Id, string Name, SunSpecGroupDefinition Group)
{
    /// <summary>The registers of the fixed part of the model, <c>ID</c> and <c>L</c> included.</summary>
    public int FixedLength => Group.FixedLength;
}

/// <summary>A group of points; a repeating group is laid out <see cref="Count"/> times back to back.</summary>
/// <param name="Name">The group's name (<c>module</c>, <c>Crv</c>, <c>Pt</c>...).</param>
/// <param name="Count">How many times the group repeats.</param>
/// <param name="Points">The group's own points, offsets relative to the start of the group.</param>
/// <param name="Groups">The groups nested in it, laid out after its points.</param>
public sealed record SunSpecGroupDefinition(
    string Name,
    SunSpecGroupCount Count,
    IReadOnlyList<SunSpecPointDefinition> Points,
    IReadOnlyList<SunSpecGroupDefinition> Groups)
{
    /// <summary>The registers of the group's own points (without its nested groups).</summary>
    public int FixedLength { get; } = Points.Count == 0 ? 0 : Points[^1].Offset + Points[^1].Size;
}

/// <summary>How often a group repeats (SunSpec Information Model Specification §4, "Repeating groups").</summary>
/// <param name="Kind">Once, from a point's value, or as often as the rest of the model length allows.</param>
/// <param name="PointName">The point holding the count, for <see cref="SunSpecGroupCountKind.FromPoint"/>.</param>
public readonly record struct SunSpecGroupCount(SunSpecGroupCountKind Kind, string? PointName = null)
{
    /// <summary>A group that occurs exactly once.</summary>
    public static SunSpecGroupCount Once { get; } = new(SunSpecGroupCountKind.Once);

    /// <summary>A group that repeats to fill the rest of the model length (<c>count: 0</c>).</summary>
    public static SunSpecGroupCount FillModel { get; } = new(SunSpecGroupCountKind.FillModel);
}

/// <summary>Where the repetition count of a group comes from.</summary>
public enum SunSpecGroupCountKind : byte
{
    /// <summary>The group occurs once (no <c>count</c>).</summary>
    Once,

    /// <summary>The group repeats as often as the remaining model length allows (<c>count: 0</c>).</summary>
    FillModel,

    /// <summary>The group repeats as often as a point of the model says (<c>count: NCrv</c>).</summary>
    FromPoint,
}

/// <summary>One point of a model.</summary>
/// <param name="Name">The point id (<c>W</c>, <c>W_SF</c>, <c>St</c>...).</param>
/// <param name="Offset">The register offset from the start of its group (the model header for the top-level group).</param>
/// <param name="Size">The size in registers.</param>
/// <param name="Type">The point type.</param>
/// <param name="ScaleFactor">The name of the <c>sunssf</c> point that scales it, or null.</param>
/// <param name="Units">The units as the model tables write them (<c>W</c>, <c>Pct</c>, <c>% WMax/sec</c>), or null.</param>
/// <param name="Symbols">Enum values or bit numbers with their names; empty for other types.</param>
public sealed record SunSpecPointDefinition(
    string Name,
    int Offset,
    int Size,
    SunSpecPointType Type,
    string? ScaleFactor,
    string? Units,
    IReadOnlyList<SunSpecSymbol> Symbols);

/// <summary>A named enum value, or a named bit (bit number as the value) of a bitfield.</summary>
public readonly record struct SunSpecSymbol(string Name, long Value);
