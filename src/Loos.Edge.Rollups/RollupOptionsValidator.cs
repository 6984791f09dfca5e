using Loos.Edge.Aggregation.Rollups;
using Loos.Edge.Core;

namespace Loos.Edge.Rollups;

/// <summary>Checks <see cref="RollupOptions"/>, each problem with its key.</summary>
public static class RollupOptionsValidator
{
    /// <summary>Every problem of <paramref name="options"/>; empty when valid.</summary>
    public static ConfigurationProblems Check(RollupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new ConfigurationProblems();
        for (var i = 0; i < options.Windows.Count; i++)
        {
            if (!DerivedSeries.TryParseWindow(options.Windows[i], out _))
            {
                problems.Add($"rollups:windows:{i}", $": '{options.Windows[i]}' is not 1m, 15m, 1h or 1d");
            }
        }

        if (options.Horizon < TimeSpan.FromDays(1))
        {
            problems.Add("rollups:horizon", $": {options.Horizon} is shorter than a day: a day's window could not be recomputed");
        }

        if (options.Grace < TimeSpan.Zero || options.Grace > TimeSpan.FromHours(1))
        {
            problems.Add("rollups:grace", $": {options.Grace} is outside 0 to 1 hour");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            problems.Add("rollups:timeZone", $": '{options.TimeZone}' is not a known time zone (e.g. Europe/Paris)");
        }

        return problems;
    }
}
