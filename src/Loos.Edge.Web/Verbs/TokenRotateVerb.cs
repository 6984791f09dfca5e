using Loos.Edge.Modules;
using Loos.Edge.Web.Tenant;

namespace Loos.Edge.Web.Verbs;

/// <summary><c>loos-edge web token rotate --home H</c>: a new link for a home; its previous link stops working at once.</summary>
internal sealed class TokenRotateVerb : TokenVerb
{
    private readonly Option<string> home = HomeOption(required: true);
    private readonly Option<bool> json = CommonOptions.Json("Print the id, home and link as JSON.");

    public TokenRotateVerb(IVerbContext context)
        : base(context, "rotate", "Replace the secret link of a home (the previous one stops working) and print the new one once.") => Add(home, json);

    protected override async Task<int> RunAsync(ParseResult parse, WebOptions options, List<TenantToken> tokens, Action save)
    {
        var name = parse.GetRequiredValue(home);
        if (HomeProblem(name) is { } problem)
        {
            return await BadArguments.ReportAsync(parse, problem).ConfigureAwait(false);
        }

        if (tokens.RemoveAll(t => t.Home == name) == 0)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"loos-edge web token rotate: home '{name}' has no link; use token create").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var (token, secret) = AddToken(tokens, name);
        save();
        await TokenOutput.WriteLinkAsync(parse.InvocationConfiguration.Output, token, Link(options, secret), parse.GetValue(json)).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
