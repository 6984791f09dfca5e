namespace Loos.Edge.Core;

/// <summary>The InfluxDB field type a series is written as; the value itself is always held as a double.</summary>
public enum ValueKind : byte
{
    /// <summary>A floating-point field (<c>1.5</c>).</summary>
    Float = 0,

    /// <summary>An integer field (<c>15i</c>); exact up to ±2^53.</summary>
    Integer = 1,

    /// <summary>A boolean field (<c>true</c>/<c>false</c>), held as 1 or 0.</summary>
    Boolean = 2,
}
