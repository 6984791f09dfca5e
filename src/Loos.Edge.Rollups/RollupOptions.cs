using Loos.Edge.Aggregation.Rollups;
using Loos.Edge.Core;

namespace Loos.Edge.Rollups;

/// <summary>The site file's <c>rollups</c> section: derived series the gateway computes from its readings, for Grafana.</summary>
public sealed class RollupOptions
{
    /// <summary>The section's name in the site file.</summary>
    public const string SectionName = "rollups";

    /// <summary>Whether the gateway rolls its readings up; false by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>The window lengths: <c>1m</c>, <c>15m</c>, <c>1h</c>, <c>1d</c> (local days); 15m, 1h and 1d by default.</summary>
    public List<string> Windows { get; init; } = [];

    /// <summary>The measurements rolled up; all by default.</summary>
    public List<string> Measurements { get; init; } = [];

    /// <summary>
    /// How late a reading may arrive and still recompute its windows (a backfill after an outage up to this long); 7 days
    /// by default, at least 1 day. The gateway keeps this much of each rolled-up series in memory.
    /// </summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long after a window's end it is reported, for readings still on their way; 1 min by default.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The zone of the local days; Europe/Paris by default.</summary>
    public string TimeZone { get; set; } = "Europe/Paris";

    /// <summary>
    /// Where a clean stop leaves the windows still open, for the next start to finish them;
    /// <c>rollups.state</c> beside the buffer directory by default.
    /// </summary>
    public string? StateFile { get; set; }

    /// <summary>Makes <see cref="StateFile"/> absolute with <paramref name="resolve"/> (relative to the site file).</summary>
    public void ResolvePaths(Func<string?, string?> resolve, string bufferDirectory)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        StateFile = string.IsNullOrEmpty(StateFile)
            ? DataPaths.BesideBuffer(bufferDirectory, RollupStateFile.FileName)
            : resolve(StateFile);
    }

    /// <summary>The window lengths in effect.</summary>
    public IReadOnlyList<RollupWindow> EffectiveWindows =>
        Windows.Count == 0 ? [RollupWindow.QuarterHour, RollupWindow.Hour, RollupWindow.Day] : [.. Windows.Select(w => DerivedSeries.TryParseWindow(w, out var window) ? window : RollupWindow.Day)];
}
