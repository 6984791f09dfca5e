namespace Loos.Edge.SunSpec;

/// <summary>What a SunSpec device showed: its models in chain order, each decoded when its definition is known.</summary>
/// <param name="BaseAddress">The holding-register address of the <c>SunS</c> marker (0, 40000 or 50000).</param>
/// <param name="Models">The models from the first to the last before the end model.</param>
public sealed record SunSpecDevice(ushort BaseAddress, IReadOnlyList<SunSpecModel> Models)
{
    /// <summary>Every numeric point of every decoded model, ready to be polled without a hand-written register map.</summary>
    public IEnumerable<SunSpecPointDescription> DescribePoints() => Models.SelectMany(model => model.PointDescriptions);
}

/// <summary>One model found in the chain.</summary>
/// <param name="Id">The model id.</param>
/// <param name="Name">The model's name, or null for a model not defined here (a vendor model such as 64412).</param>
/// <param name="Address">The holding-register address of the model's <c>ID</c> register.</param>
/// <param name="Length">The model length <c>L</c>: registers after <c>ID</c> and <c>L</c>.</param>
/// <param name="Points">
/// Point name → value, in model order: <see cref="double"/> (scaled numbers, scale factors), <see cref="string"/>
/// (strings, enum symbols, addresses), <c>string[]</c> (set bits of a bitfield) or null (not implemented). Empty for
/// models not defined here.
/// </param>
/// <param name="Groups">The instances of the model's groups, in register order.</param>
/// <param name="Registers">The raw registers of the model, <c>ID</c> and <c>L</c> included.</param>
public sealed record SunSpecModel(
    int Id,
    string? Name,
    ushort Address,
    int Length,
    IReadOnlyDictionary<string, object?> Points,
    IReadOnlyList<SunSpecGroupInstance> Groups,
    ReadOnlyMemory<ushort> Registers)
{
    /// <summary>Whether the model was decoded (its definition is known).</summary>
    public bool IsDecoded => Name is not null;

    /// <summary>The numeric points of the model with where they live, for the poller.</summary>
    public IReadOnlyList<SunSpecPointDescription> PointDescriptions { get; init; } = [];
}

/// <summary>One occurrence of a group.</summary>
/// <param name="Name">The group name (<c>module</c>, <c>Crv</c>...).</param>
/// <param name="Index">The occurrence, from 0, for repeating groups; null for a group that occurs once.</param>
/// <param name="Points">Point name → value, as in <see cref="SunSpecModel.Points"/>.</param>
/// <param name="Groups">The nested group occurrences.</param>
public sealed record SunSpecGroupInstance(
    string Name,
    int? Index,
    IReadOnlyDictionary<string, object?> Points,
    IReadOnlyList<SunSpecGroupInstance> Groups);

/// <summary>
/// A numeric SunSpec point as a poller reads it: registers, encoding, scale factor register, and the series it should feed.
/// </summary>
/// <param name="ModelId">The model the point belongs to.</param>
/// <param name="PointName">The point id, prefixed by its group occurrences (<c>module_0_DCW</c>) inside groups.</param>
/// <param name="RegisterAddress">The holding-register address of the point.</param>
/// <param name="RegisterCount">Its size in registers.</param>
/// <param name="Type">The SunSpec type, which fixes the not-implemented sentinel.</param>
/// <param name="ScaleFactorAddress">The holding-register address of its <c>sunssf</c> point, or null when unscaled.</param>
/// <param name="Unit">The unit from the model (<c>W</c>, <c>Wh</c>, <c>V</c>...), or null.</param>
/// <param name="Measurement">The suggested measurement: <c>inverter</c> for inverter and DER measurement models, else the model name.</param>
/// <param name="Field">The suggested field: the point name.</param>
public sealed record SunSpecPointDescription(
    int ModelId,
    string PointName,
    ushort RegisterAddress,
    int RegisterCount,
    SunSpecPointType Type,
    ushort? ScaleFactorAddress,
    string? Unit,
    string Measurement,
    string Field)
{
    /// <summary>
    /// Decodes the point from its registers (big-endian, as SunSpec requires) and its raw scale factor register; false
    /// when the device reports it as not implemented (the type's sentinel, or a scale factor of 0x8000).
    /// </summary>
    public bool TryDecode(ReadOnlySpan<ushort> registers, ushort? scaleFactorRegister, out double value) =>
        SunSpecDecoder.TryDecodeNumber(registers, Type, scaleFactorRegister, out value);
}
