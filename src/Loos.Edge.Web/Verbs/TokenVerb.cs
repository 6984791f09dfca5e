using Loos.Edge.Modules;
using Loos.Edge.Web.Tenant;

namespace Loos.Edge.Web.Verbs;

/// <summary>What the <c>web token</c> verbs share: the site file (its <c>web:tokensFile</c>), reading and writing the tokens.</summary>
internal abstract class TokenVerb : Verb
{
    private readonly Option<string> config = CommonOptions.Config();
    private readonly IVerbContext context;

    protected TokenVerb(IVerbContext context, string name, string description)
        : base(name, description)
    {
        this.context = context;
        Add(config);
    }

    protected sealed override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        if (await context.LoadSiteAsync(parse.GetRequiredValue(config), error).ConfigureAwait(false) is not { } site)
        {
            return ExitCodes.InvalidSiteFile;
        }

        var options = site.Options<WebOptions>();
        var path = options.TokensFile!;
        try
        {
            var tokens = TenantTokenFile.Read(path).ToList();
            return await RunAsync(parse, options, tokens, () => TenantTokenFile.Write(path, tokens)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // InvalidDataException is an IOException: a damaged file is named, never overwritten.
            await error.WriteLineAsync($"loos-edge web token: {path}: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    /// <summary>Runs the verb on the file's <paramref name="tokens"/>; <paramref name="save"/> writes them back.</summary>
    protected abstract Task<int> RunAsync(ParseResult parse, WebOptions options, List<TenantToken> tokens, Action save);

    protected static Option<string> HomeOption(bool required) => new("--home")
    {
        Description = "The home, as its heat meter's home tag names it.",
        Required = required,
    };

    /// <summary>A new link for <paramref name="home"/>, added to <paramref name="tokens"/>; the secret is returned once and never kept.</summary>
    protected static (TenantToken Token, string Secret) AddToken(List<TenantToken> tokens, string home)
    {
        var secret = TenantSecret.Create();
        var token = new TenantToken(TenantSecret.NewId(tokens), home, TimeProvider.System.GetUtcNow(), TenantSecret.Hash(secret));
        tokens.Add(token);
        return (token, secret);
    }

    /// <summary>The address a tenant opens: <c>web:publicUrl</c>, else the web host's own address.</summary>
    protected static string Link(WebOptions options, string secret)
    {
        var root = options.PublicUrl is { Length: > 0 } publicUrl ? publicUrl.TrimEnd('/') : $"{(options.UsesHttps ? "https" : "http")}://{options.Address}";
        return $"{root}/h/{secret}";
    }

    /// <summary>Why <paramref name="home"/> cannot name a home; null when it can.</summary>
    protected static string? HomeProblem(string home) =>
        string.IsNullOrWhiteSpace(home) ? "--home must not be empty"
        : home.Length > 200 || home.Any(char.IsControl) ? $"--home '{home}' is not a home tag (control characters, or over 200 characters)"
        : null;
}
