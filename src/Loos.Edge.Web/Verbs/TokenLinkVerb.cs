using Loos.Edge.Modules;
using Loos.Edge.Web.Tenant;

namespace Loos.Edge.Web.Verbs;

/// <summary>
/// <c>loos-edge web token create --home H</c> (a home without a link) and <c>token rotate --home H</c> (a home with
/// one, which stops working at once): the home's new secret link, printed once; only its hash is kept.
/// </summary>
internal sealed class TokenLinkVerb : TokenVerb
{
    private readonly Option<string> home = HomeOption(required: true);
    private readonly Option<bool> json = CommonOptions.Json("Print the id, home and link as JSON.");
    private readonly bool rotates;

    private TokenLinkVerb(IVerbContext context, string name, string description, bool rotates)
        : base(context, name, description)
    {
        this.rotates = rotates;
        Add(home, json);
    }

    public static TokenLinkVerb Create(IVerbContext context) =>
        new(context, "create", "Create the secret link of a home and print it once.", rotates: false);

    public static TokenLinkVerb Rotate(IVerbContext context) =>
        new(context, "rotate", "Replace the secret link of a home (the previous one stops working) and print the new one once.", rotates: true);

    protected override async Task<int> RunAsync(ParseResult parse, WebOptions options, List<TenantToken> tokens, Action save)
    {
        var name = parse.GetRequiredValue(home);
        if (HomeProblem(name) is { } problem)
        {
            return await BadArguments.ReportAsync(parse, problem).ConfigureAwait(false);
        }

        var existing = tokens.FirstOrDefault(t => t.Home == name);
        if (existing is not null && !rotates)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"loos-edge web token create: home '{name}' has a link already (id {existing.Id}); use token rotate to replace it").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        if (existing is null && rotates)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"loos-edge web token rotate: home '{name}' has no link; use token create").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        tokens.RemoveAll(t => t.Home == name);
        var (token, secret) = AddToken(tokens, name);
        save();
        await TokenOutput.WriteLinkAsync(parse.InvocationConfiguration.Output, token, Link(options, secret), parse.GetValue(json)).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
