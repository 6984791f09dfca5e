namespace Loos.Edge.Lighting.Overriding;

/// <summary>
/// A level the crew sets by hand for some circuits (or all) from one instant to another, which wins over the
/// programme; among overrides active at once on a circuit, the newest wins.
/// </summary>
/// <param name="Id">Its identifier, unique in the gateway, for <c>override cancel</c>.</param>
/// <param name="Circuits">The circuits it applies to; empty for every circuit.</param>
/// <param name="Level">The level, % of full light, 0–100.</param>
/// <param name="From">When it starts.</param>
/// <param name="Until">When it expires (after <paramref name="From"/>).</param>
/// <param name="Reason">Why, for the plan and the logs (fireworks, works, an event); may be empty.</param>
/// <param name="Created">When it was given: the newer of two overlapping overrides wins.</param>
public sealed record LightingOverride(string Id, IReadOnlyList<string> Circuits, int Level, DateTimeOffset From, DateTimeOffset Until, string Reason, DateTimeOffset Created)
{
    /// <summary>Whether it applies to <paramref name="circuit"/>.</summary>
    public bool Covers(string circuit) => Circuits.Count == 0 || Circuits.Contains(circuit, StringComparer.Ordinal);

    /// <summary>Whether it is in force at <paramref name="instant"/> (from inclusive, until exclusive).</summary>
    public bool IsActiveAt(DateTimeOffset instant) => From <= instant && instant < Until;
}
