using Loos.Edge.Modules;
using Loos.Edge.Web.Tenant;

namespace Loos.Edge.Web.Verbs;

/// <summary><c>loos-edge web token revoke ID | --home H</c>: a link stops working at once (the web host reads the file again).</summary>
internal sealed class TokenRevokeVerb : TokenVerb
{
    private readonly Argument<string?> id = new("ID") { Description = "The link's id, as token list shows it.", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string> home = HomeOption(required: false);

    public TokenRevokeVerb(IVerbContext context)
        : base(context, "revoke", "Revoke a link by its id, or every link of a home.") => Add(id, home);

    protected override async Task<int> RunAsync(ParseResult parse, WebOptions options, List<TenantToken> tokens, Action save)
    {
        var byId = parse.GetValue(id);
        var byHome = parse.GetValue(home);
        if ((byId is null) == (byHome is null))
        {
            return await BadArguments.ReportAsync(parse, "give either a link's ID or --home H").ConfigureAwait(false);
        }

        var removed = tokens.RemoveAll(t => byId is not null ? t.Id == byId : t.Home == byHome);
        if (removed == 0)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"loos-edge web token revoke: no link {(byId is not null ? $"has id '{byId}'" : $"belongs to home '{byHome}'")}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        save();
        await parse.InvocationConfiguration.Output.WriteLineAsync($"revoked {removed} link(s)").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
