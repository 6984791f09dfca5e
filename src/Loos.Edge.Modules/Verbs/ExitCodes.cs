namespace Loos.Edge.Verbs;

/// <summary>Exit codes shared by every verb: 0 success, non-zero with a one-line cause on standard error.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A device, a line, a file or a server could not be read; the gateway could not start (a port in use, a buffer held by another gateway, an unwritable directory).</summary>
    public const int Failure = 1;

    /// <summary>The command line does not parse, or names values that cannot be.</summary>
    public const int BadArguments = 2;

    public const int InvalidSiteFile = 2;
}
