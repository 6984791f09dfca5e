namespace Loos.Edge.Verbs.MBus;

/// <summary>
/// The wired M-Bus tools of the technician:
/// <list type="bullet">
/// <item><c>loos-edge mbus decode HEX | --file FILE [--json]</c> decodes one frame written in hex;</item>
/// <item><c>loos-edge mbus read --port DEVICE (--address N | --secondary ID) [--baud 2400] [--json]</c> reads a meter;</item>
/// <item><c>loos-edge mbus scan --port DEVICE [--primary | --secondary]</c> lists the meters on a line.</item>
/// </list>
/// Exit codes: 0 done (an application error reply is a reply), 1 invalid frame, no reply or a failing port (the
/// reason, with the byte offset for a frame, on standard error), 2 bad arguments.
/// </summary>
public static class MBusCommand
{
    /// <summary>The <c>mbus</c> command with its <c>decode</c>, <c>read</c> and <c>scan</c> subcommands.</summary>
    public static Command Create() =>
        new("mbus", "Wired M-Bus (EN 13757) tools: decode a frame, read a meter, scan a line.") { new MBusDecodeVerb().Command, new MBusReadVerb().Command, new MBusScanVerb().Command };
}
