using Loos.Edge.Modules;
using Loos.Edge.Web.Tenant;

namespace Loos.Edge.Web.Verbs;

/// <summary><c>loos-edge web token list</c>: each link's id, home and creation time; never a secret (none is kept).</summary>
internal sealed class TokenListVerb : TokenVerb
{
    private readonly Option<bool> json = CommonOptions.Json();

    public TokenListVerb(IVerbContext context)
        : base(context, "list", "List the links: id, home, created (the secrets are not kept).") => Add(json);

    protected override async Task<int> RunAsync(ParseResult parse, WebOptions options, List<TenantToken> tokens, Action save)
    {
        var output = parse.InvocationConfiguration.Output;
        var sorted = tokens.OrderBy(t => t.Home, StringComparer.Ordinal).ToList();
        if (parse.GetValue(json))
        {
            await output.WriteLineAsync(TokenOutput.Json(sorted)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var width = Math.Max(4, sorted.Select(t => t.Home.Length).DefaultIfEmpty(0).Max());
        await output.WriteLineAsync($"{"id",-8}  {"home".PadRight(width)}  created (UTC)").ConfigureAwait(false);
        foreach (var token in sorted)
        {
            await output.WriteLineAsync($"{token.Id,-8}  {token.Home.PadRight(width)}  {TokenOutput.Time(token.Created)}").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }
}
