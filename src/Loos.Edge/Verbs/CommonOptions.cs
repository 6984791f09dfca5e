using System.CommandLine;

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
}

/// <summary>Exit codes shared by every verb: 0 success, non-zero with a one-line cause on standard error.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int InvalidSiteFile = 2;
    public const int StartFailed = 3;
}
