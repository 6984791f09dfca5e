namespace Loos.Edge.SunSpec;

/// <summary>The SunSpec point types (SunSpec Information Model Specification §5, "Point types").</summary>
public enum SunSpecPointType : byte
{
    /// <summary><c>uint16</c>: unsigned 16-bit integer; not implemented 0xFFFF.</summary>
    UInt16,

    /// <summary><c>int16</c>: signed 16-bit integer; not implemented 0x8000.</summary>
    Int16,

    /// <summary><c>uint32</c>: unsigned 32-bit integer; not implemented 0xFFFFFFFF.</summary>
    UInt32,

    /// <summary><c>int32</c>: signed 32-bit integer; not implemented 0x80000000.</summary>
    Int32,

    /// <summary><c>uint64</c>: unsigned 64-bit integer; not implemented 0xFFFFFFFFFFFFFFFF.</summary>
    UInt64,

    /// <summary><c>int64</c>: signed 64-bit integer; not implemented 0x8000000000000000.</summary>
    Int64,

    /// <summary><c>acc16</c>: 16-bit accumulator; not implemented 0.</summary>
    Accumulator16,

    /// <summary><c>acc32</c>: 32-bit accumulator; not implemented 0.</summary>
    Accumulator32,

    /// <summary><c>acc64</c>: 64-bit accumulator; not implemented 0.</summary>
    Accumulator64,

    /// <summary><c>float32</c>: IEEE 754 binary32; not implemented NaN.</summary>
    Float32,

    /// <summary><c>float64</c>: IEEE 754 binary64; not implemented NaN.</summary>
    Float64,

    /// <summary><c>string</c>: two ASCII/UTF-8 bytes per register, NUL padded; not implemented all 0x0000.</summary>
    String,

    /// <summary><c>enum16</c>: a value from the point's symbols; not implemented 0xFFFF.</summary>
    Enum16,

    /// <summary><c>enum32</c>: a value from the point's symbols; not implemented 0xFFFFFFFF.</summary>
    Enum32,

    /// <summary><c>bitfield16</c>: bits named by the point's symbols; not implemented 0xFFFF.</summary>
    Bitfield16,

    /// <summary><c>bitfield32</c>: bits named by the point's symbols; not implemented 0xFFFFFFFF.</summary>
    Bitfield32,

    /// <summary><c>bitfield64</c>: bits named by the point's symbols; not implemented 0xFFFFFFFFFFFFFFFF.</summary>
    Bitfield64,

    /// <summary><c>sunssf</c>: a power-of-ten scale factor (-10..10); not implemented 0x8000.</summary>
    ScaleFactor,

    /// <summary><c>pad</c>: a register that aligns the next point; always 0x8000, carries no value.</summary>
    Pad,

    /// <summary><c>count</c>: the number of repetitions of a repeating group.</summary>
    Count,

    /// <summary><c>ipaddr</c>: an IPv4 address in 32 bits; not implemented 0.</summary>
    IPv4Address,

    /// <summary><c>ipv6addr</c>: an IPv6 address in 128 bits; not implemented all 0.</summary>
    IPv6Address,

    /// <summary><c>eui48</c>: a MAC address in the low 48 bits of 64; not implemented 0xFFFFFFFFFFFF.</summary>
    Eui48,
}

/// <summary>The SunSpec type names and their sizes in registers.</summary>
public static class SunSpecPointTypes
{
    private static readonly (string Name, SunSpecPointType Type, int Size)[] Table =
    [
        ("uint16", SunSpecPointType.UInt16, 1),
        ("int16", SunSpecPointType.Int16, 1),
        ("uint32", SunSpecPointType.UInt32, 2),
        ("int32", SunSpecPointType.Int32, 2),
        ("uint64", SunSpecPointType.UInt64, 4),
        ("int64", SunSpecPointType.Int64, 4),
        ("acc16", SunSpecPointType.Accumulator16, 1),
        ("acc32", SunSpecPointType.Accumulator32, 2),
        ("acc64", SunSpecPointType.Accumulator64, 4),
        ("float32", SunSpecPointType.Float32, 2),
        ("float64", SunSpecPointType.Float64, 4),
        ("string", SunSpecPointType.String, 0),
        ("enum16", SunSpecPointType.Enum16, 1),
        ("enum32", SunSpecPointType.Enum32, 2),
        ("bitfield16", SunSpecPointType.Bitfield16, 1),
        ("bitfield32", SunSpecPointType.Bitfield32, 2),
        ("bitfield64", SunSpecPointType.Bitfield64, 4),
        ("sunssf", SunSpecPointType.ScaleFactor, 1),
        ("pad", SunSpecPointType.Pad, 1),
        ("count", SunSpecPointType.Count, 1),
        ("ipaddr", SunSpecPointType.IPv4Address, 2),
        ("ipv6addr", SunSpecPointType.IPv6Address, 8),
        ("eui48", SunSpecPointType.Eui48, 4),
    ];

    /// <summary>The type named <paramref name="name"/> in the SunSpec model tables (<c>uint16</c>, <c>acc32</c>...).</summary>
    public static bool TryParse(string name, out SunSpecPointType type)
    {
        foreach (var entry in Table)
        {
            if (entry.Name == name)
            {
                type = entry.Type;
                return true;
            }
        }

        type = default;
        return false;
    }

    /// <summary>The name of <paramref name="type"/> in the SunSpec model tables.</summary>
    public static string Name(SunSpecPointType type) => Array.Find(Table, entry => entry.Type == type).Name;

    /// <summary>The fixed size of <paramref name="type"/> in registers; 0 for strings, whose size each point gives.</summary>
    public static int Size(SunSpecPointType type) => Array.Find(Table, entry => entry.Type == type).Size;

    /// <summary>Whether the type holds a number that a scale factor may apply to and a poller can forward.</summary>
    public static bool IsNumeric(SunSpecPointType type) => type is SunSpecPointType.UInt16 or SunSpecPointType.Int16
        or SunSpecPointType.UInt32 or SunSpecPointType.Int32 or SunSpecPointType.UInt64 or SunSpecPointType.Int64
        or SunSpecPointType.Accumulator16 or SunSpecPointType.Accumulator32 or SunSpecPointType.Accumulator64
        or SunSpecPointType.Float32 or SunSpecPointType.Float64 or SunSpecPointType.Count;
}
