using Loos.Edge.Hosting;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Verbs;

/// <summary><c>loos-edge run --config FILE</c>: the gateway itself, as systemd runs it.</summary>
internal static class RunVerb
{
    public static Command Create() =>
        CommonOptions.SiteFileCommand("run", "Run the gateway with a site file until stopped (SIGTERM or Ctrl-C).", RunAsync);

    private static async Task<int> RunAsync(SiteConfiguration site, InvocationConfiguration console)
    {
        await using var app = GatewayHost.Build(site);
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
