using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Lighting;

/// <summary>
/// <c>loos-edge lighting</c>: the site's sun times, the plan of its nights, and the overrides of the running gateway.
/// Exit codes: 0 done, 1 failure, 2 bad arguments or site file, 3 the gateway cannot be reached.
/// </summary>
public static class LightingCommand
{
    /// <summary>The <c>lighting</c> command with its subcommands.</summary>
    public static Command Create(IVerbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command("lighting", "Public lighting: sun times, the plan of the nights, overrides.")
        {
            new LightingSunVerb(context).Command,
            new LightingPlanVerb(context).Command,
            LightingOverrideVerbs.Create(context),
        };
    }
}
