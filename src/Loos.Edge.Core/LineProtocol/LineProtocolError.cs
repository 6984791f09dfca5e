namespace Loos.Edge.Core.LineProtocol;

/// <summary>Why a line-protocol body was rejected.</summary>
/// <param name="Line">The 1-based line number in the body.</param>
/// <param name="Column">The 1-based column (in characters) where the problem starts.</param>
/// <param name="Reason">What is wrong, quoting the offending text.</param>
public sealed record LineProtocolError(int Line, int Column, string Reason)
{
    /// <summary>The form used in write-API error bodies: <c>line 3, column 12: reason</c>.</summary>
    public override string ToString() => $"line {Line}, column {Column}: {Reason}";
}
