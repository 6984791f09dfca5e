namespace Loos.Edge.Core;

/// <summary>One value of one series at one UTC instant.</summary>
/// <param name="Series">The interned series.</param>
/// <param name="Timestamp">The instant the value was measured, in UTC.</param>
/// <param name="Value">The value in the series' unit; NaN for a stale reading.</param>
/// <param name="Quality">How far the value can be trusted.</param>
public readonly record struct Reading(SeriesId Series, DateTimeOffset Timestamp, double Value, Quality Quality = Quality.Good);
