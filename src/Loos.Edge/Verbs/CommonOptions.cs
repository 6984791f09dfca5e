using System.CommandLine;
using System.IO.Ports;

namespace Loos.Edge.Verbs;

internal static class CommonOptions
{
    public static Option<string> Config() => new("--config", "-c")
    {
        Description = "The site file (YAML or JSON), e.g. /etc/loos-edge/site.yaml.",
        Required = true,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print JSON for scripts instead of a table.",
    };

    /// <summary>Reads a serial line's parity as a technician types it: N, E, O or none, even, odd, in any case.</summary>
    public static bool TryParseParity(string? text, out Parity parity)
    {
        parity = (text?.Trim().ToUpperInvariant()) switch
        {
            "N" or "NONE" => Parity.None,
            "E" or "EVEN" => Parity.Even,
            "O" or "ODD" => Parity.Odd,
            _ => (Parity)(-1),
        };
        return parity != (Parity)(-1);
    }
}

/// <summary>Exit codes shared by every verb: 0 success, non-zero with a one-line cause on standard error.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A device, a line, a file or a server could not be read.</summary>
    public const int Failure = 1;

    /// <summary>The command line does not parse, or names values that cannot be.</summary>
    public const int BadArguments = 2;

    public const int InvalidSiteFile = 2;

    /// <summary>The gateway could not start (a port in use, an unwritable buffer directory).</summary>
    public const int StartFailed = 3;
}
