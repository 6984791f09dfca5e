using Loos.Edge.Core;

namespace Loos.Edge.Modbus.Points;

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
