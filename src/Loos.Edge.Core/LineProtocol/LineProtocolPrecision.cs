namespace Loos.Edge.Core.LineProtocol;

/// <summary>The unit of the timestamps in a line-protocol body, as named by the write API's <c>precision</c> parameter.</summary>
public enum LineProtocolPrecision
{
    /// <summary>Nanoseconds (<c>ns</c>, v1 <c>n</c>); the default of both write APIs.</summary>
    Nanoseconds = 0,

    /// <summary>Microseconds (<c>us</c>, v1 <c>u</c>).</summary>
    Microseconds,

    /// <summary>Milliseconds (<c>ms</c>).</summary>
    Milliseconds,

    /// <summary>Seconds (<c>s</c>).</summary>
    Seconds,

    /// <summary>Minutes (v1 <c>m</c>).</summary>
    Minutes,

    /// <summary>Hours (v1 <c>h</c>).</summary>
    Hours,
}
