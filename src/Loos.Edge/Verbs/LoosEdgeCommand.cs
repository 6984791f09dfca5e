using Loos.Edge.Core.Clock;
using Loos.Edge.Hosting;

namespace Loos.Edge.Verbs;

/// <summary>The <c>loos-edge</c> command line: the host's verbs, every module's, and one rule for bad arguments (exit code 2).</summary>
public static class LoosEdgeCommand
{
    /// <summary>Parses <paramref name="args"/> and runs the verb they name.</summary>
    /// <returns>The verb's exit code; <see cref="ExitCodes.BadArguments"/> when the arguments do not parse.</returns>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        // No termination timeout: `run` stops through the host's lifetime, which waits for the buffer to flush.
        configuration ??= new InvocationConfiguration { ProcessTerminationTimeout = null };
        var parse = Create().Parse(args);
        if (parse.Errors.Count > 0)
        {
            return await BadArguments.ReportAsync(configuration.Error, parse.CommandResult.Command, parse.Errors.Select(error => error.Message)).ConfigureAwait(false);
        }

        return await parse.InvokeAsync(configuration).ConfigureAwait(false);
    }

    private static RootCommand Create()
    {
        var root = new RootCommand("Loos Edge: the telemetry edge gateway of a town in ecological transition.")
        {
            RunVerb.Create(SiteVerbContext.Instance),
            ConfigVerb.Create(SiteVerbContext.Instance),
            new DoctorVerb(new SystemClockTrust()).Command,
            SiteTestVerb.Create(SiteVerbContext.Instance),
        };
        foreach (var verb in GatewayModules.All.SelectMany(module => module.CreateVerbs(SiteVerbContext.Instance)))
        {
            root.Subcommands.Add(verb);
        }

        return root;
    }
}
