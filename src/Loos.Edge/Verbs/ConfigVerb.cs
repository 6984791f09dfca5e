using Loos.Edge.Forwarding;
using Loos.Edge.Modules;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Verbs;

/// <summary><c>loos-edge config validate --config FILE</c>: every problem of a site file, before a restart.</summary>
internal static class ConfigVerb
{
    public static Command Create(IVerbContext context) => new("config", "Site-file tools.")
    {
        CommonOptions.SiteFileCommand(context, "validate", "Check a site file and list every problem with its line.", async (site, console) =>
        {
            await console.Output.WriteLineAsync($"{((SiteConfiguration)site).File.Path}: valid (site '{site.Name}', {site.Options<ForwarderOptions>().Targets.Count} target(s)).");
            return ExitCodes.Success;
        }),
    };
}
