using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Heating;

/// <summary>
/// <c>loos-edge heating report</c>: the homes' heating against the yearly target. Exit codes: 0 report printed, 1 the
/// readings cannot be read, 2 bad arguments or site file.
/// </summary>
public static class HeatingCommand
{
    /// <summary>The <c>heating</c> command with its <c>report</c> subcommand.</summary>
    public static Command Create(IVerbContext context) => new("heating", "The homes' heating against the yearly target.") { new HeatingReportVerb(context).Command };
}
