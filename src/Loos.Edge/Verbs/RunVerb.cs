using System.CommandLine;
using Loos.Edge.Hosting;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Verbs;

/// <summary><c>loos-edge run --config FILE</c>: the gateway itself, as systemd runs it.</summary>
internal static class RunVerb
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var command = new Command("run", "Run the gateway with a site file until stopped (SIGTERM or Ctrl-C).") { config };
        command.SetAction(async parse =>
        {
            SiteConfiguration site;
            try
            {
                site = SiteConfiguration.Load(parse.GetRequiredValue(config));
            }
            catch (SiteFileException exception)
            {
                await Console.Error.WriteLineAsync(exception.Message);
                return ExitCodes.InvalidSiteFile;
            }

            await using var app = GatewayHost.Build(site);
            try
            {
                // The host's own lifetime handles SIGTERM and Ctrl-C, so that a stop flushes the buffer.
                await app.RunAsync();
            }
            catch (IOException exception)
            {
                // A port already in use or an unwritable buffer directory: say what, not a stack trace.
                await Console.Error.WriteLineAsync($"loos-edge: cannot start: {exception.Message}");
                return ExitCodes.StartFailed;
            }
            catch (UnauthorizedAccessException exception)
            {
                await Console.Error.WriteLineAsync($"loos-edge: cannot start: {exception.Message}");
                return ExitCodes.StartFailed;
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
