using Loos.Edge.Core;

namespace Loos.Edge.Modbus.Points;

/// <summary>
/// Decodes a point's registers with a rule of the device's own (SunSpec's not-implemented values and scale
/// factors, for instance) instead of <see cref="RegisterDecoder"/>.
/// </summary>
/// <param name="registers">The point's registers, exactly <see cref="ModbusPoint.Count"/> of them.</param>
/// <param name="scaleFactorRegister">The raw register at <see cref="ModbusPoint.ScaleFactorAddress"/>, read in the same cycle; null when the point has none.</param>
/// <param name="value">The value, before <see cref="ModbusPoint.Scale"/> and <see cref="ModbusPoint.Offset"/>.</param>
/// <returns>False when the registers say the device has no value (the point is then written as a stale reading).</returns>
public delegate bool ModbusPointDecoder(ReadOnlySpan<ushort> registers, ushort? scaleFactorRegister, out double value);

/// <summary>
/// One value a device is polled for: where it is (table and address), how it is encoded (type and word order),
/// how it becomes a value in the series' unit (<c>value = raw × scale + offset</c>), how often, and the series it feeds.
/// </summary>
public sealed class ModbusPoint
{
    /// <exception cref="ArgumentException">The type does not fit the table (bits only in coils and discrete inputs), a string has no length, the interval is not positive, or the point runs past address 65535.</exception>
    public ModbusPoint(
        PointTable table,
        ushort registerAddress,
        PointType type,
        SeriesKey series,
        TimeSpan interval,
        WordOrder order = WordOrder.ABCD,
        double scale = 1,
        double offset = 0,
        int stringLengthRegisters = 0)
    {
        ArgumentNullException.ThrowIfNull(series);
        var isBitTable = table is PointTable.Coils or PointTable.DiscreteInputs;
        if (isBitTable != (type == PointType.Bit))
        {
            throw new ArgumentException($"A {type} point cannot be read from {table}: bits come from coils and discrete inputs, other types from registers.", nameof(type));
        }

        if (type == PointType.String && stringLengthRegisters < 1)
        {
            throw new ArgumentException("A string point needs its length in registers.", nameof(stringLengthRegisters));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Table = table;
        RegisterAddress = registerAddress;
        Type = type;
        StringLengthRegisters = type == PointType.String ? stringLengthRegisters : 0;
        Count = type == PointType.Bit ? 1 : RegisterDecoder.RegisterCount(type, StringLengthRegisters);
        if (registerAddress + Count > 65536)
        {
            throw new ArgumentException($"The point at {registerAddress} runs past the last address 65535.", nameof(registerAddress));
        }

        Series = series;
        Interval = interval;
        Order = order;
        Scale = scale;
        Offset = offset;
    }

    /// <summary>The table read.</summary>
    public PointTable Table { get; }

    /// <summary>The 0-based protocol address of the first register (or the bit): register 30001 of a datasheet is input register 0.</summary>
    public ushort RegisterAddress { get; }

    /// <summary>The encoding.</summary>
    public PointType Type { get; }

    /// <summary>For strings, the length in registers; 0 otherwise.</summary>
    public int StringLengthRegisters { get; }

    /// <summary>How many registers (or bits) the point takes.</summary>
    public int Count { get; }

    /// <summary>The address after the last register (or bit) of the point.</summary>
    public int EndAddress => RegisterAddress + Count;

    /// <summary>The word and byte order of multi-register values; ABCD by default.</summary>
    public WordOrder Order { get; }

    /// <summary>The factor applied to the raw value; 1 by default.</summary>
    public double Scale { get; }

    /// <summary>Added after scaling; 0 by default.</summary>
    public double Offset { get; }

    /// <summary>How often the point is read, aligned to the wall clock.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The series the values go to; its unit is the unit of the scaled value.</summary>
    public SeriesKey Series { get; }

    /// <summary>
    /// The address (same table) of a register the point's value depends on, such as a SunSpec <c>sunssf</c> scale
    /// factor: it is read in the same cycle as the point and handed to <see cref="Decoder"/>. None by default.
    /// </summary>
    /// <exception cref="ArgumentException">Set on a bit point.</exception>
    public ushort? ScaleFactorAddress
    {
        get;
        init
        {
            if (value is not null && Type == PointType.Bit)
            {
                throw new ArgumentException("A bit point has no scale factor register.", nameof(value));
            }

            field = value;
        }
    }

    /// <summary>
    /// A decoding rule replacing <see cref="RegisterDecoder.Decode"/> (still in the point's <see cref="Type"/> size);
    /// <see cref="Scale"/> and <see cref="Offset"/> apply after it. None by default.
    /// </summary>
    public ModbusPointDecoder? Decoder { get; init; }

    /// <summary>
    /// The scaled value of the point held in <paramref name="registers"/> (starting at the point's first register),
    /// with <paramref name="scaleFactorRegister"/> the raw register at <see cref="ScaleFactorAddress"/>; false when
    /// the device reports no value (its <see cref="Decoder"/> says so, or a float register holds NaN or infinity).
    /// </summary>
    /// <exception cref="InvalidOperationException">The point is a string or a bit.</exception>
    public bool TryDecode(ReadOnlySpan<ushort> registers, ushort? scaleFactorRegister, out double value)
    {
        if (Decoder is null)
        {
            value = Decode(registers);
        }
        else if (Type is PointType.String or PointType.Bit)
        {
            throw new InvalidOperationException($"A {Type} point has no numeric register value.");
        }
        else if (Decoder(registers[..Count], scaleFactorRegister, out var decoded))
        {
            value = (decoded * Scale) + Offset;
        }
        else
        {
            value = double.NaN;
            return false;
        }

        // A float register holding NaN or infinity is a device saying "not available": no value to store.
        return double.IsFinite(value);
    }

    /// <summary>The scaled value of the point held in <paramref name="registers"/> (starting at the point's first register).</summary>
    /// <exception cref="InvalidOperationException">The point is a string or a bit.</exception>
    public double Decode(ReadOnlySpan<ushort> registers)
    {
        if (Type is PointType.String or PointType.Bit)
        {
            throw new InvalidOperationException($"A {Type} point has no numeric register value.");
        }

        return (RegisterDecoder.Decode(registers, Type, Order) * Scale) + Offset;
    }

    public override string ToString() => $"{Series.Field} ({Table} {RegisterAddress} {PointTypeNames.Format(Type, StringLengthRegisters)} {Order})";
}
