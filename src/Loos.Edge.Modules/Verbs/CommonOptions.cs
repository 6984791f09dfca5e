using Loos.Edge.Modules;

namespace Loos.Edge.Verbs;

/// <summary>The options that several verbs take: the site file, JSON output, the progress bar.</summary>
public static class CommonOptions
{
    public static Option<string> Config() => new("--config", "-c")
    {
        Description = "The site file (YAML or JSON), e.g. /etc/loos-edge/site.yaml.",
        Required = true,
    };

    /// <summary>A site file that the verb can do without; <paramref name="description"/> says what it takes from it.</summary>
    public static Option<string?> OptionalConfig(string description) => new("--config", "-c") { Description = description };

    public static Option<bool> Json(string description = "Print JSON for scripts instead of a table.") => new("--json") { Description = description };

    public static Option<bool> Progress() => new("--progress") { Description = "Draw the progress bar even when standard error is not a terminal." };

    /// <summary>
    /// A verb that works on a valid site file: <c>--config FILE</c> is loaded with every module before
    /// <paramref name="run"/>, and an invalid file ends the verb with every problem (with its line) and
    /// <see cref="ExitCodes.InvalidSiteFile"/>.
    /// </summary>
    public static Command SiteFileCommand(IVerbContext context, string name, string description, Func<ISiteContext, InvocationConfiguration, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = Config();
        var command = new Command(name, description) { config };
        command.SetAction(async parse =>
            await context.LoadSiteAsync(parse.GetRequiredValue(config), parse.InvocationConfiguration.Error).ConfigureAwait(false) is { } site
                ? await run(site, parse.InvocationConfiguration).ConfigureAwait(false)
                : ExitCodes.InvalidSiteFile);
        return command;
    }
}
