namespace Loos.Edge.Lighting.Schedule;

/// <summary>One circuit's plan for one night (local noon to the next local noon), with its energy.</summary>
/// <param name="Circuit">The circuit's name.</param>
/// <param name="Night">The date of the night's evening.</param>
/// <param name="Start">When the night starts (local noon), UTC.</param>
/// <param name="End">When it ends (the next local noon), UTC; 23 h or 25 h after the start on the clock-change nights.</param>
/// <param name="Rule">The calendar rule that chose the programme (its name, or <c>calendar:N</c>); null when none matches.</param>
/// <param name="Programme">The programme the night runs; null when no rule matches (the circuit stays off).</param>
/// <param name="Steps">
/// Each change of level in the night, in time order; the night starts off, and a circuit still lit at the night's
/// end is switched off then (the next night starts its own programme).
/// </param>
/// <param name="Lit">How long the circuit is lit (level above 0).</param>
/// <param name="AtLevels">How long it is at each level above 0, highest level first.</param>
/// <param name="PlannedKwh">The energy the plan uses: rated power × level/100 × time, summed over the night.</param>
/// <param name="FullLightKwh">The energy of full light from sunset to the next sunrise; null without the site's location or a sunset and sunrise.</param>
public sealed record CircuitNight(
    string Circuit,
    DateOnly Night,
    DateTimeOffset Start,
    DateTimeOffset End,
    string? Rule,
    string? Programme,
    IReadOnlyList<PlannedStep> Steps,
    TimeSpan Lit,
    IReadOnlyList<LevelTime> AtLevels,
    double PlannedKwh,
    double? FullLightKwh)
{
    /// <summary>The energy saved against full light from sunset to the next sunrise (negative when the plan uses more); null when that is not known.</summary>
    public double? SavedKwh => FullLightKwh - PlannedKwh;
}

/// <summary>How long a circuit is at one level in a night.</summary>
/// <param name="Level">The level, % of full light.</param>
/// <param name="Duration">The time at that level.</param>
public readonly record struct LevelTime(int Level, TimeSpan Duration);

/// <summary>The level a circuit is at, what set it, and when it changes next.</summary>
/// <param name="Level">The level in force, % of full light (0 off).</param>
/// <param name="Source">What set it: a programme's step (<c>semaine #3</c>), an override, or <c>noon</c> (off between nights).</param>
/// <param name="Since">When that level started (the night's start when it has been off since noon).</param>
/// <param name="NextChange">When the level changes next (at the latest the end of the next night).</param>
public readonly record struct CircuitLevel(int Level, string Source, DateTimeOffset Since, DateTimeOffset NextChange);
