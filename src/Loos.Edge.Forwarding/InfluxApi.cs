namespace Loos.Edge.Forwarding;

/// <summary>Which InfluxDB write API a target speaks.</summary>
public enum InfluxApi
{
    /// <summary>InfluxDB 1.x <c>POST /write?db=…&amp;rp=…</c> with an optional user and password.</summary>
    V1,

    /// <summary>InfluxDB 2.x <c>POST /api/v2/write?org=…&amp;bucket=…</c> with a token (also VictoriaMetrics and other compatible stores).</summary>
    V2,
}
