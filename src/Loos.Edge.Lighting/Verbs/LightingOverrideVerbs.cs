using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Lighting;

/// <summary>
/// <c>loos-edge lighting override add|list|cancel</c>: the running gateway's overrides, through its management address.
/// Exit codes: 0 applied, 1 refused by the gateway, 2 bad arguments or site file, 3 the gateway cannot be reached.
/// </summary>
internal static class LightingOverrideVerbs
{
    public static Command Create(IVerbContext context) =>
        new("override", "The running gateway's overrides: a level for some circuits from a time until an expiry.")
        {
            new OverrideAddVerb(context).Command,
            new OverrideListVerb(context).Command,
            new OverrideCancelVerb(context).Command,
        };
}
