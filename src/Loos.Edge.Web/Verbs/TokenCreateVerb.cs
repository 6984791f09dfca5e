using Loos.Edge.Modules;
using Loos.Edge.Web.Tenant;

namespace Loos.Edge.Web.Verbs;

/// <summary><c>loos-edge web token create --home H</c>: a home's secret link, printed once (only its hash is kept).</summary>
internal sealed class TokenCreateVerb : TokenVerb
{
    private readonly Option<string> home = HomeOption(required: true);
    private readonly Option<bool> json = CommonOptions.Json("Print the id, home and link as JSON.");

    public TokenCreateVerb(IVerbContext context)
        : base(context, "create", "Create the secret link of a home and print it once.") => Add(home, json);

    protected override async Task<int> RunAsync(ParseResult parse, WebOptions options, List<TenantToken> tokens, Action save)
    {
        var name = parse.GetRequiredValue(home);
        if (HomeProblem(name) is { } problem)
        {
            return await BadArguments.ReportAsync(parse, problem).ConfigureAwait(false);
        }

        if (tokens.FirstOrDefault(t => t.Home == name) is { } existing)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"loos-edge web token create: home '{name}' has a link already (id {existing.Id}); use token rotate to replace it").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var (token, secret) = AddToken(tokens, name);
        save();
        await TokenOutput.WriteLinkAsync(parse.InvocationConfiguration.Output, token, Link(options, secret), parse.GetValue(json)).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
