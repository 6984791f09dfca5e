using Loos.Edge.Hosting;
using Loos.Edge.Modules;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Verbs;

/// <summary><c>loos-edge run --config FILE [--verbose]</c>: the gateway itself, as systemd runs (and reloads) it.</summary>
internal static class RunVerb
{
    public static Command Create(IVerbContext context)
    {
        var config = CommonOptions.Config();
        var verbose = new Option<bool>("--verbose") { Description = "When the gateway cannot start, print the exception with its stack trace, not only its cause." };
        var command = new Command("run", "Run the gateway with a site file until stopped (SIGTERM or Ctrl-C); SIGHUP reloads the site file.") { config, verbose };
        command.SetAction(async parse =>
            await context.LoadSiteAsync(parse.GetRequiredValue(config), parse.InvocationConfiguration.Error).ConfigureAwait(false) is { } site
                ? await RunAsync((SiteConfiguration)site, parse.GetValue(verbose), parse.InvocationConfiguration.Error).ConfigureAwait(false)
                : ExitCodes.InvalidSiteFile);
        return command;
    }

    private static async Task<int> RunAsync(SiteConfiguration site, bool verbose, TextWriter error)
    {
        await using var lasting = new LastingServices(site);
        await using var runner = new GatewayRunner(lasting);
        try
        {
            await runner.StartAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A port in use, a buffer another gateway holds, an unwritable directory: one line a technician can act on.
            await error.WriteLineAsync($"loos-edge: cannot start: {(verbose ? exception.ToString() : Cause(exception))}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        // The host's own lifetime handles SIGTERM and Ctrl-C, so that a stop flushes the buffer; SIGHUP reloads the site file.
        await runner.RunUntilStoppedAsync().ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>The exception's message on one line; each cause's for an exception that gathers several.</summary>
    internal static string Cause(Exception exception) => exception switch
    {
        AggregateException aggregate => string.Join("; ", aggregate.InnerExceptions.Select(Cause).Distinct()),
        System.Reflection.TargetInvocationException { InnerException: { } inner } => Cause(inner),
        _ => exception.Message.ReplaceLineEndings(" ").Trim(),
    };
}
