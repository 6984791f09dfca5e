using Loos.Edge.Aggregation.Counters;

namespace Loos.Edge.Aggregation.Heating;

/// <summary>One home's meter: readings of its cumulative energy counter in kWh, and how the counter behaves.</summary>
/// <param name="Home">The home.</param>
/// <param name="Ticks">Reading instants, UTC ticks, ascending.</param>
/// <param name="CounterKwh">The counter at each instant, kWh.</param>
/// <param name="Rules">Rollover, jitter and declared replacements.</param>
public sealed record HomeMeterReadings(string Home, long[] Ticks, double[] CounterKwh, CounterRules Rules);

/// <summary>Receives one home's days while a report is computed: kWh per day and what is known of each.</summary>
public delegate void HomeDaysHandler(string home, ReadOnlySpan<double> kwh, ReadOnlySpan<DayCoverage> coverage);

/// <summary>The heating report of a site: every home's year so far against the target, dearest projection first.</summary>
public static class HeatingReport
{
    /// <summary>
    /// Computes each home of <paramref name="homes"/> as of <paramref name="asOf"/> (the report covers the days of the
    /// heating year before it), with the degree-days of the outdoor readings <paramref name="outdoorTicks"/> /
    /// <paramref name="outdoorCelsius"/>. Sorted by projected cost, highest first. <paramref name="onHomeDays"/> sees each
    /// home's days as they are computed.
    /// </summary>
    public static IReadOnlyList<HomeHeating> Compute(
        IReadOnlyList<HomeMeterReadings> homes,
        ReadOnlySpan<long> outdoorTicks,
        ReadOnlySpan<double> outdoorCelsius,
        DateOnly asOf,
        HeatingParameters parameters,
        HomeDaysHandler? onHomeDays = null)
    {
        ArgumentNullException.ThrowIfNull(homes);
        ArgumentNullException.ThrowIfNull(parameters);
        var year = HeatingYear.Before(asOf, parameters);
        var days = year.DaysElapsed;
        var dju = new double[days];
        DegreeDays.Daily(year, outdoorTicks, outdoorCelsius, parameters.BaseTemperatureCelsius, dju);

        // One set of day arrays, reused for every home.
        var kwh = new double[days];
        var coverage = new DayCoverage[days];
        var results = new HomeHeating[homes.Count];
        for (var h = 0; h < homes.Count; h++)
        {
            var home = homes[h];
            HeatingCalculator.DailyEnergy(year, home.Ticks, home.CounterKwh, home.Rules, dju, kwh, coverage);
            onHomeDays?.Invoke(home.Home, kwh, coverage);
            results[h] = HeatingCalculator.Summarise(home.Home, year, kwh, coverage, dju, parameters);
        }

        Array.Sort(results, static (left, right) =>
        {
            var byCost = right.ProjectedCostEur.CompareTo(left.ProjectedCostEur);
            return byCost != 0 ? byCost : string.CompareOrdinal(left.Home, right.Home);
        });
        return results;
    }
}
