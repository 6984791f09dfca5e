using Loos.Edge.Hosting;
using Loos.Edge.Modules;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Verbs;

/// <summary><c>loos-edge run --config FILE</c>: the gateway itself, as systemd runs it.</summary>
internal static class RunVerb
{
    public static Command Create(IVerbContext context) =>
        CommonOptions.SiteFileCommand(context, "run", "Run the gateway with a site file until stopped (SIGTERM or Ctrl-C).", RunAsync);

    private static async Task<int> RunAsync(ISiteContext site, InvocationConfiguration console)
    {
        await using var app = GatewayHost.Build((SiteConfiguration)site);
        try
        {
            // The host's own lifetime handles SIGTERM and Ctrl-C, so that a stop flushes the buffer.
            await app.RunAsync();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A port already in use or an unwritable buffer directory: say what, not a stack trace.
            await console.Error.WriteLineAsync($"loos-edge: cannot start: {exception.Message}");
            return ExitCodes.StartFailed;
        }

        return ExitCodes.Success;
    }
}
