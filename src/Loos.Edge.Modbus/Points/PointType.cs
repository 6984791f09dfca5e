namespace Loos.Edge.Modbus.Points;

/// <summary>How the registers (or the bit) of a point encode its value.</summary>
public enum PointType : byte
{
    /// <summary>Unsigned 16-bit integer, one register.</summary>
    U16,

    /// <summary>Signed (two's complement) 16-bit integer, one register.</summary>
    I16,

    /// <summary>Unsigned 32-bit integer, two registers.</summary>
    U32,

    /// <summary>Signed 32-bit integer, two registers.</summary>
    I32,

    /// <summary>Unsigned 64-bit integer, four registers; exact up to 2^53 once held as a double.</summary>
    U64,

    /// <summary>Signed 64-bit integer, four registers; exact up to ±2^53 once held as a double.</summary>
    I64,

    /// <summary>IEEE 754 binary32, two registers.</summary>
    F32,

    /// <summary>IEEE 754 binary64, four registers.</summary>
    F64,

    /// <summary>Text, two bytes per register, padded with NUL or space.</summary>
    String,

    /// <summary>One coil or discrete input.</summary>
    Bit,
}

/// <summary>
/// The order of the bytes of a multi-register value as the registers arrive on the wire. Name the bytes of the
/// value A (most significant) to D (least) for 32 bits, and each register as (high byte, low byte), the way
/// MODBUS Application Protocol v1.1b3 §4.2 puts one register on the wire (big-endian). For 0x42F6E979 (f32 123.456):
/// <list type="bullet">
/// <item><see cref="ABCD"/>: big-endian words and bytes — registers 0x42F6, 0xE979 (Modbus' own order, SunSpec).</item>
/// <item><see cref="CDAB"/>: word-swapped — registers 0xE979, 0x42F6 (low word first, common on meters).</item>
/// <item><see cref="BADC"/>: byte-swapped within each word — registers 0xF642, 0x79E9.</item>
/// <item><see cref="DCBA"/>: little-endian — registers 0x79E9, 0xF642.</item>
/// </list>
/// 64-bit values extend the same rule to four registers (CDAB puts the least significant word first); a 16-bit
/// value is swapped only by the byte-swapping orders (BADC, DCBA); strings only by those too.
/// </summary>
#pragma warning disable CA1707 // The order names are the conventional letters technicians find in datasheets.
public enum WordOrder : byte
{
    /// <summary>Big-endian words and bytes.</summary>
    ABCD,

    /// <summary>Word-swapped: the least significant register first, bytes big-endian within each.</summary>
    CDAB,

    /// <summary>Byte-swapped: registers most significant first, bytes little-endian within each.</summary>
    BADC,

    /// <summary>Little-endian words and bytes.</summary>
    DCBA,
}
#pragma warning restore CA1707

/// <summary>The Modbus data table a point is read from (MODBUS Application Protocol v1.1b3 §4.3).</summary>
public enum PointTable : byte
{
    /// <summary>Holding registers, read with function 3.</summary>
    HoldingRegisters,

    /// <summary>Input registers, read with function 4.</summary>
    InputRegisters,

    /// <summary>Coils, read with function 1.</summary>
    Coils,

    /// <summary>Discrete inputs, read with function 2.</summary>
    DiscreteInputs,
}
