using System.Buffers;
using Loos.Edge.Aggregation.Counters;

namespace Loos.Edge.Aggregation.Heating;

/// <summary>What is known of one local day of a home.</summary>
[Flags]
public enum DayCoverage : byte
{
    /// <summary>No interval between two meter readings covers the day.</summary>
    None = 0,

    /// <summary>Some interval between two meter readings overlaps the day: it has a consumption.</summary>
    Covered = 1,

    /// <summary>A meter reading falls inside the day; a covered day without one is estimated.</summary>
    HasReading = 2,
}

/// <summary>One home's heating year so far, as the report shows it.</summary>
/// <param name="Home">The home.</param>
/// <param name="KwhYtd">kWh over the covered days of the heating year.</param>
/// <param name="CostYtdEur">kwh_ytd × tariff + fixed × days elapsed / 365.</param>
/// <param name="DjuYtd">Degree-days over the covered days.</param>
/// <param name="Days">Covered days.</param>
/// <param name="AKwhPerDay">The fit's intercept (base consumption per day), null when the projection fell back.</param>
/// <param name="BKwhPerDju">The fit's slope (kWh per degree-day), null when the projection fell back.</param>
/// <param name="ProjectedKwh">kWh over a normal climate year.</param>
/// <param name="ProjectedCostEur">projected kWh × tariff + fixed.</param>
/// <param name="Status"><c>on-track</c>, <c>at-risk</c>, <c>over</c>, or <c>no-data</c> for a home without a covered day.</param>
/// <param name="EstimatedDays">Covered days without a meter reading inside them.</param>
public sealed record HomeHeating(
    string Home,
    double KwhYtd,
    double CostYtdEur,
    double DjuYtd,
    int Days,
    double? AKwhPerDay,
    double? BKwhPerDju,
    double ProjectedKwh,
    double ProjectedCostEur,
    string Status,
    int EstimatedDays);

/// <summary>
/// Each home's daily heating energy from its meter's cumulative counter, and its year against the target, with the
/// formulas of the heating target: consumption between two readings shared among the days it overlaps (by time when
/// at most 24 h apart, else by time × the day's degree-days), a least-squares fit <c>kWh = a + b × DJU</c> over
/// the measured days, projected over a normal climate year.
/// </summary>
public static class HeatingCalculator
{
    private static readonly long MaximumTimeSharedTicks = TimeSpan.FromHours(24).Ticks;

    /// <summary>
    /// Fills <paramref name="kwh"/> and <paramref name="flags"/> (one entry per day of <paramref name="year"/>) from
    /// the meter readings <paramref name="ticks"/> (UTC, ascending) and <paramref name="counterKwh"/> (cumulative kWh);
    /// <paramref name="dju"/> (NaN: unknown, weighs 0) weighs the days of a long gap.
    /// </summary>
    public static void DailyEnergy(
        HeatingYear year,
        ReadOnlySpan<long> ticks,
        ReadOnlySpan<double> counterKwh,
        CounterRules rules,
        ReadOnlySpan<double> dju,
        Span<double> kwh,
        Span<DayCoverage> flags)
    {
        ArgumentNullException.ThrowIfNull(year);
        ArgumentNullException.ThrowIfNull(rules);
        var days = year.DaysElapsed;
        kwh[..days].Clear();
        flags[..days].Clear();
        if (ticks.Length == 0)
        {
            return;
        }

        var rented = ArrayPool<double>.Shared.Rent(ticks.Length);
        try
        {
            var increases = rented.AsSpan(0, ticks.Length);
            CounterIncrease.Compute(ticks, counterKwh, rules, increases);
            foreach (var tick in ticks)
            {
                var day = year.DayOf(tick);
                if (day >= 0 && day < days)
                {
                    flags[day] |= DayCoverage.HasReading;
                }
            }

            var boundaries = year.DayStartTicks;
            for (var i = 1; i < ticks.Length; i++)
            {
                var start = ticks[i - 1];
                var end = ticks[i];
                if (end <= start || end <= boundaries[0] || start >= boundaries[days])
                {
                    continue;
                }

                ShareInterval(year, start, end, increases[i], dju, kwh, flags);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>The year so far of one home from its days (see <see cref="DailyEnergy"/>) and the site's degree-days.</summary>
    public static HomeHeating Summarise(string home, HeatingYear year, ReadOnlySpan<double> kwh, ReadOnlySpan<DayCoverage> flags, ReadOnlySpan<double> dju, HeatingParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(year);
        ArgumentNullException.ThrowIfNull(parameters);
        double kwhYtd = 0, djuYtd = 0;
        int covered = 0, estimated = 0, measured = 0;
        double sumX = 0, sumY = 0, sumXx = 0, sumXy = 0;
        for (var d = 0; d < year.DaysElapsed; d++)
        {
            if ((flags[d] & DayCoverage.Covered) == 0)
            {
                continue;
            }

            covered++;
            kwhYtd += kwh[d];
            var dayDju = double.IsNaN(dju[d]) ? 0 : dju[d];
            djuYtd += dayDju;
            if ((flags[d] & DayCoverage.HasReading) == 0)
            {
                estimated++;
            }
            else if (!double.IsNaN(dju[d]))
            {
                measured++;
                sumX += dayDju;
                sumY += kwh[d];
                sumXx += dayDju * dayDju;
                sumXy += dayDju * kwh[d];
            }
        }

        var costYtd = (kwhYtd * parameters.TariffEurPerKwh) + (parameters.FixedEurPerYear * year.DaysElapsed / 365);
        if (covered == 0)
        {
            return new HomeHeating(home, 0, costYtd, 0, 0, null, null, 0, parameters.FixedEurPerYear, "no-data", 0);
        }

        double? a = null, b = null;
        double projectedKwh;
        var spread = (measured * sumXx) - (sumX * sumX);
        if (measured >= parameters.MinimumMeasuredDays && spread > 1e-9 * Math.Max(1, measured * sumXx))
        {
            // Ordinary least squares of kWh_day = a + b × DJU_day over the measured days.
            b = ((measured * sumXy) - (sumX * sumY)) / spread;
            a = (sumY - (b.Value * sumX)) / measured;
            projectedKwh = (365 * a.Value) + (b.Value * parameters.DjuNormal);
        }
        else
        {
            projectedKwh = djuYtd > 0 ? kwhYtd * parameters.DjuNormal / djuYtd : kwhYtd * 365 / covered;
        }

        var projectedCost = (projectedKwh * parameters.TariffEurPerKwh) + parameters.FixedEurPerYear;
        var status = projectedCost <= parameters.TargetEur ? "on-track"
            : projectedCost <= parameters.TargetEur * (1 + parameters.AtRiskMargin) ? "at-risk"
            : "over";
        return new HomeHeating(home, kwhYtd, costYtd, djuYtd, covered, a, b, projectedKwh, projectedCost, status, estimated);
    }

    /// <summary>Shares one interval's consumption among the days of the year it overlaps, and marks them covered.</summary>
    private static void ShareInterval(HeatingYear year, long start, long end, double increase, ReadOnlySpan<double> dju, Span<double> kwh, Span<DayCoverage> flags)
    {
        var boundaries = year.DayStartTicks;
        var days = year.DaysElapsed;
        var first = Math.Max(0, year.DayOf(start));
        var last = Math.Min(days - 1, year.DayOf(end - 1));
        var duration = (double)(end - start);
        var byDegreeDays = end - start > MaximumTimeSharedTicks;
        double insideTicks = 0, insideWeight = 0;
        if (byDegreeDays)
        {
            for (var d = first; d <= last; d++)
            {
                var overlap = Overlap(start, end, boundaries[d], boundaries[d + 1]);
                insideTicks += overlap;
                insideWeight += overlap * DegreeDaysOrZero(dju[d]);
            }

            // Hours of the interval outside the year weigh as the inside days do on average.
            byDegreeDays = insideWeight > 0;
        }

        var totalWeight = byDegreeDays ? insideWeight * (duration / insideTicks) : duration;
        for (var d = first; d <= last; d++)
        {
            var overlap = Overlap(start, end, boundaries[d], boundaries[d + 1]);
            if (overlap <= 0)
            {
                continue;
            }

            flags[d] |= DayCoverage.Covered;
            var weight = byDegreeDays ? overlap * DegreeDaysOrZero(dju[d]) : overlap;
            kwh[d] += increase * weight / totalWeight;
        }
    }

    private static double Overlap(long start, long end, long dayStart, long dayEnd) => Math.Min(end, dayEnd) - Math.Max(start, dayStart);

    private static double DegreeDaysOrZero(double value) => double.IsNaN(value) ? 0 : value;
}
