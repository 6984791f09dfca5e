using Loos.Edge.Modules;

namespace Loos.Edge.Web.Verbs;

/// <summary><c>loos-edge web token create|list|rotate|revoke</c>: the tenants' secret links, one per home.</summary>
internal static class TokenCommand
{
    public static Command Create(IVerbContext context) => new("token", "The tenants' secret links, one per home (only their hashes are kept).")
    {
        TokenLinkVerb.Create(context).Command,
        new TokenListVerb(context).Command,
        TokenLinkVerb.Rotate(context).Command,
        new TokenRevokeVerb(context).Command,
    };
}
