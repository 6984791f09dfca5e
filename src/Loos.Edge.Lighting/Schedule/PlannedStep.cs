namespace Loos.Edge.Lighting.Schedule;

/// <summary>One change of a circuit's level in a plan.</summary>
/// <param name="Start">When the level starts (UTC instant).</param>
/// <param name="Level">The level from then on, % of full light, 0–100.</param>
/// <param name="Source">What set it: the programme and its step (<c>semaine #2</c>), or the override's id and reason.</param>
public readonly record struct PlannedStep(DateTimeOffset Start, int Level, string Source);
