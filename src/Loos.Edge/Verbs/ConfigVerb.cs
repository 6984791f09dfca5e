using Loos.Edge.Forwarding;
using System.CommandLine;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Verbs;

/// <summary><c>loos-edge config validate --config FILE</c>: every problem of a site file, before a restart.</summary>
internal static class ConfigVerb
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var validate = new Command("validate", "Check a site file and list every problem with its line.") { config };
        validate.SetAction(parse =>
        {
            try
            {
                var site = SiteConfiguration.Load(parse.GetRequiredValue(config));
                Console.WriteLine($"{site.File.Path}: valid (site '{site.Name}', {site.Options<ForwarderOptions>().Targets.Count} target(s)).");
                return ExitCodes.Success;
            }
            catch (SiteFileException exception)
            {
                Console.Error.WriteLine(exception.Message);
                return ExitCodes.InvalidSiteFile;
            }
        });
        return new Command("config", "Site-file tools.") { validate };
    }
}
