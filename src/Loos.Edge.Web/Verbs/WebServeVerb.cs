using System.Security.Cryptography;
using Loos.Edge.Modules;

namespace Loos.Edge.Web.Verbs;

/// <summary><c>loos-edge web --config FILE</c>: the web pages on <c>web:address</c>, until SIGTERM or Ctrl-C.</summary>
internal sealed class WebServeVerb : Verb
{
    // Not required by the parser: `web token …` takes its own --config, and a required option here would be asked of it too.
    private readonly Option<string?> config = CommonOptions.OptionalConfig("The site file (its web section), e.g. /etc/loos-edge/site.yaml.");
    private readonly IVerbContext context;

    public WebServeVerb(IVerbContext context)
        : base("web", "Serve the web pages (the tenants' heating pages) with a site file until stopped.")
    {
        this.context = context;
        Add(config);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        if (parse.GetValue(config) is not { } path)
        {
            return await BadArguments.ReportAsync(parse, "--config FILE is required").ConfigureAwait(false);
        }

        if (await context.LoadSiteAsync(path, error).ConfigureAwait(false) is not { } site)
        {
            return ExitCodes.InvalidSiteFile;
        }

        if (site.Options<WebOptions>().Influx is null)
        {
            await error.WriteLineAsync($"{path}: {WebOptions.SectionName}:influx is required to serve the pages (url, api, database or org and bucket)").ConfigureAwait(false);
            return ExitCodes.InvalidSiteFile;
        }

        try
        {
            await using var app = WebHost.Build(site);
            await app.RunAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            // A port in use, an unreadable certificate: say what, not a stack trace.
            await error.WriteLineAsync($"loos-edge web: cannot start: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }
}
