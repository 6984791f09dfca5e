using Loos.Edge.Aggregation.Counters;
using Loos.Edge.Aggregation.Heating;

namespace Loos.Edge.Aggregation.Tests.Heating;

/// <summary>
/// Worked examples of the heating target, computed by hand in the comments. Site: 0.10 €/kWh, 50 € fixed a year,
/// 2000 normal DJU, target 150 €; report as of 2026-01-01, so the heating year 2025-07-01 … 2025-12-31 has 184 days
/// elapsed and the fixed part so far is 50 × 184 / 365 = 25.2055 €. December's outdoor readings make the DJU of
/// December day k (k = 0 for the 1st) 13 − (k mod 5): 13, 12, 11, 10, 9, 13, …, 330 over the month's first 30 days.
/// Meters are read at local midnight, so an interval is exactly one local day.
/// </summary>
public sealed class HeatingCalculatorTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly DateOnly AsOf = new(2026, 1, 1);
    private static readonly HeatingParameters Site = new() { TariffEurPerKwh = 0.10, FixedEurPerYear = 50, DjuNormal = 2000, TargetEur = 150 };
    private const double FixedSoFar = 50.0 * 184 / 365;

    [Fact]
    public void HomeOnTrack_FitRecoversBaseAndSlope_ProjectionUnderTarget()
    {
        // kWh/day = 0.2 + 0.25 × DJU. kwh_ytd = 30 × 0.2 + 0.25 × 330 = 88.5; cost = 8.85 + 25.2055 = 34.0555.
        // Projection: 365 × 0.2 + 0.25 × 2000 = 573 kWh → 57.3 + 50 = 107.3 € ≤ 150: on track.
        var home = Report(DailyMeter("on-track", day => 0.2 + (0.25 * Dju(day)), firstDay: 0, lastDay: 30));

        Assert.Equal(88.5, home.KwhYtd, 9);
        Assert.Equal(8.85 + FixedSoFar, home.CostYtdEur, 9);
        Assert.Equal(330, home.DjuYtd, 9);
        Assert.Equal(30, home.Days);
        Assert.Equal(0.2, home.AKwhPerDay!.Value, 9);
        Assert.Equal(0.25, home.BKwhPerDju!.Value, 9);
        Assert.Equal(573, home.ProjectedKwh, 6);
        Assert.Equal(107.3, home.ProjectedCostEur, 6);
        Assert.Equal("on-track", home.Status);
        Assert.Equal(0, home.EstimatedDays);
    }

    [Fact]
    public void HomeAtRisk_ProjectionWithinTenPercentAboveTarget()
    {
        // 365 × 0.6 + 0.42 × 2000 = 1059 kWh → 105.9 + 50 = 155.9 €: above 150, within 165.
        var home = Report(DailyMeter("at-risk", day => 0.6 + (0.42 * Dju(day)), firstDay: 0, lastDay: 30));

        Assert.Equal(1059, home.ProjectedKwh, 6);
        Assert.Equal(155.9, home.ProjectedCostEur, 6);
        Assert.Equal("at-risk", home.Status);
    }

    [Fact]
    public void HomeOver_ProjectionMoreThanTenPercentAboveTarget()
    {
        // 365 × 1 + 0.5 × 2000 = 1365 kWh → 136.5 + 50 = 186.5 € > 165.
        var home = Report(DailyMeter("over", day => 1 + (0.5 * Dju(day)), firstDay: 0, lastDay: 30));

        Assert.Equal(186.5, home.ProjectedCostEur, 6);
        Assert.Equal("over", home.Status);
    }

    [Fact]
    public void HomeWithDeclaredMeterReplacement_CountsTheOldMetersTailAndTheNewMetersStart()
    {
        // The on-track home's meter is swapped on 16 December at 06:00: the old one shows its last value, the new one
        // starts at 5 kWh. Declared, the year is exactly the on-track home's; undeclared (detected), the day of the
        // swap counts nothing: 88.5 − (0.2 + 0.25 × DJU(15) = 0.2 + 0.25 × 13) = 85.05 kWh.
        var swapDay = 15;
        var swapAt = LocalMidnight(swapDay).AddHours(6);
        var (ticks, counter, replacement) = SwappedMeter(swapDay, swapAt);
        var declared = new HomeMeterReadings("declared", ticks, counter, new CounterRules { Replacements = [replacement] });
        var detected = new HomeMeterReadings("detected", ticks, counter, CounterRules.Default);

        var declaredHome = Report(declared);
        var detectedHome = Report(detected);

        Assert.Equal(88.5, declaredHome.KwhYtd, 9);
        Assert.Equal(107.3, declaredHome.ProjectedCostEur, 6);
        Assert.Equal(88.5 - (0.2 + (0.25 * 13)), detectedHome.KwhYtd, 9);
        Assert.True(detectedHome.KwhYtd >= 0);
    }

    [Fact]
    public void HomeWithTwoWeekGap_GapSharedByDegreeDays_DaysWithoutReadingEstimated()
    {
        // Readings at midnight on 1–10 December and 24–31 December only. The 14-day interval 10 → 24 December is
        // shared among its days in proportion to their DJU; 11–23 December (13 days) have no reading: estimated.
        var full = DailyMeter("gap", day => 0.2 + (0.25 * Dju(day)), firstDay: 0, lastDay: 30);
        var keep = Enumerable.Range(0, full.Ticks.Length).Where(i => i <= 9 || i >= 23).ToArray();
        var gap = full with { Ticks = [.. keep.Select(i => full.Ticks[i])], CounterKwh = [.. keep.Select(i => full.CounterKwh[i])] };

        var (home, kwh) = ReportWithDays(gap);

        Assert.Equal(88.5, home.KwhYtd, 9); // Nothing lost: the gap's consumption is all there.
        Assert.Equal(30, home.Days);
        Assert.Equal(13, home.EstimatedDays);
        var gapTotal = Enumerable.Range(9, 14).Sum(day => 0.2 + (0.25 * Dju(day)));
        var gapDju = Enumerable.Range(9, 14).Sum(Dju);
        Assert.Equal(gapTotal * Dju(12) / gapDju, kwh[DecemberIndex(12)], 9); // 13 December: its DJU's share.
        Assert.Equal(gapTotal * Dju(13) / gapDju, kwh[DecemberIndex(13)], 9);
    }

    [Fact]
    public void HomeWithFewerThan14Days_FallsBackToTheDegreeDayRatio()
    {
        // Readings 20–31 December: 11 days, kwh_ytd = Σ (0.2 + 0.25 × DJU) over days 19…29, projection
        // kwh_ytd × 2000 / dju_ytd, no fit.
        var home = Report(DailyMeter("new", day => 0.2 + (0.25 * Dju(day)), firstDay: 19, lastDay: 30));

        var kwhYtd = Enumerable.Range(19, 11).Sum(day => 0.2 + (0.25 * Dju(day)));
        var djuYtd = Enumerable.Range(19, 11).Sum(Dju);
        Assert.Equal(11, home.Days);
        Assert.Null(home.AKwhPerDay);
        Assert.Null(home.BKwhPerDju);
        Assert.Equal(kwhYtd * 2000 / djuYtd, home.ProjectedKwh, 9);
    }

    [Fact]
    public void Fallback_WithoutDegreeDays_ScalesTheDaysToAYear()
    {
        // A summer report (as of 1 August): July's days are warm (DJU 0), 10 days at 0.5 kWh (hot water loop):
        // projection 5 × 365 / 10 = 182.5 kWh.
        var asOf = new DateOnly(2025, 8, 1);
        var start = new DateOnly(2025, 7, 10);
        var ticks = Enumerable.Range(0, 11).Select(d => UtcTicksOfLocalMidnight(start.AddDays(d))).ToArray();
        var counter = Enumerable.Range(0, 11).Select(d => 100 + (0.5 * d)).ToArray();
        var outdoor = Enumerable.Range(0, 31).SelectMany(d => new[] { UtcTicksOfLocalMidnight(new DateOnly(2025, 7, 1).AddDays(d)) + TimeSpan.FromHours(4).Ticks }).ToArray();

        var home = HeatingReport.Compute([new HomeMeterReadings("summer", ticks, counter, CounterRules.Default)], outdoor, [.. outdoor.Select(_ => 22.0)], asOf, Site).Single();

        Assert.Equal(0, home.DjuYtd);
        Assert.Equal(182.5, home.ProjectedKwh, 9);
    }

    [Fact]
    public void LocalDays_AutumnClockChangeDayHas25Hours()
    {
        // 1 kW all around 26 October 2025 (Paris goes back from 03:00 to 02:00): 25 kWh that day, 24 the day before.
        var asOf = new DateOnly(2025, 10, 28);
        var startTicks = UtcTicksOfLocalMidnight(new DateOnly(2025, 10, 25));
        var ticks = Enumerable.Range(0, (3 * 24 * 4) + 8).Select(q => startTicks + (q * TimeSpan.FromMinutes(15).Ticks)).ToArray();
        var counter = Enumerable.Range(0, ticks.Length).Select(q => q * 0.25).ToArray();
        var year = HeatingYear.Before(asOf, Site);
        var kwh = new double[year.DaysElapsed];
        var coverage = new DayCoverage[year.DaysElapsed];

        HeatingCalculator.DailyEnergy(year, ticks, counter, CounterRules.Default, new double[year.DaysElapsed], kwh, coverage);

        var october25 = new DateOnly(2025, 10, 25).DayNumber - year.FirstDay.DayNumber;
        Assert.Equal(24, kwh[october25], 9);
        Assert.Equal(25, kwh[october25 + 1], 9);
    }

    [Fact]
    public void HomeWithoutReadings_HasNoData()
    {
        var home = Report(new HomeMeterReadings("empty", [], [], CounterRules.Default));

        Assert.Equal("no-data", home.Status);
        Assert.Equal(0, home.Days);
    }

    private static double Dju(int decemberDay) => 13 - (decemberDay % 5);

    private static int DecemberIndex(int decemberDay) => new DateOnly(2025, 12, 1).AddDays(decemberDay).DayNumber - new DateOnly(2025, 7, 1).DayNumber;

    private static DateTimeOffset LocalMidnight(int decemberDay) =>
        new(UtcTicksOfLocalMidnight(new DateOnly(2025, 12, 1).AddDays(decemberDay)), TimeSpan.Zero);

    private static long UtcTicksOfLocalMidnight(DateOnly date) =>
        TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), Paris).Ticks;

    /// <summary>A meter read at local midnight from December day <paramref name="firstDay"/> to <paramref name="lastDay"/>, consuming <paramref name="daily"/> each day.</summary>
    private static HomeMeterReadings DailyMeter(string home, Func<int, double> daily, int firstDay, int lastDay)
    {
        var ticks = new List<long>();
        var counter = new List<double>();
        var value = 1000.0;
        for (var day = firstDay; day <= lastDay; day++)
        {
            ticks.Add(LocalMidnight(day).UtcTicks);
            counter.Add(value);
            value += daily(day);
        }

        return new HomeMeterReadings(home, [.. ticks], [.. counter], CounterRules.Default);
    }

    private static (long[] Ticks, double[] Counter, MeterReplacement Replacement) SwappedMeter(int swapDay, DateTimeOffset swapAt)
    {
        var original = DailyMeter("swap", day => 0.2 + (0.25 * Dju(day)), 0, 30);
        var counter = (double[])original.CounterKwh.Clone();
        var swapDayKwh = 0.2 + (0.25 * Dju(swapDay));
        var oldFinal = counter[swapDay] + (swapDayKwh * 0.25); // 6 of the day's 24 hours on the old meter.
        const double NewInitial = 5;
        for (var i = swapDay + 1; i < counter.Length; i++)
        {
            counter[i] = NewInitial + (swapDayKwh * 0.75) + (original.CounterKwh[i] - original.CounterKwh[swapDay + 1]);
        }

        return (original.Ticks, counter, new MeterReplacement(swapAt, oldFinal, NewInitial));
    }

    private static HomeHeating Report(HomeMeterReadings home) => ReportWithDays(home).Home;

    private static (HomeHeating Home, double[] Kwh) ReportWithDays(HomeMeterReadings home)
    {
        var (outdoorTicks, outdoorCelsius) = DecemberOutdoor();
        var home1 = HeatingReport.Compute([home], outdoorTicks, outdoorCelsius, AsOf, Site).Single();
        var year = HeatingYear.Before(AsOf, Site);
        var dju = new double[year.DaysElapsed];
        DegreeDays.Daily(year, outdoorTicks, outdoorCelsius, 18, dju);
        var kwh = new double[year.DaysElapsed];
        HeatingCalculator.DailyEnergy(year, home.Ticks, home.CounterKwh, home.Rules, dju, kwh, new DayCoverage[year.DaysElapsed]);
        return (home1, kwh);
    }

    /// <summary>Per December day k: Tmin = 2 + k mod 5 at 04:00, Tmax = Tmin + 6 at 15:00 local, so DJU = 13 − k mod 5.</summary>
    private static (long[] Ticks, double[] Celsius) DecemberOutdoor()
    {
        var ticks = new List<long>();
        var celsius = new List<double>();
        for (var day = 0; day < 31; day++)
        {
            var midnight = LocalMidnight(day);
            var low = 2.0 + (day % 5);
            ticks.Add(midnight.AddHours(4).UtcTicks);
            celsius.Add(low);
            ticks.Add(midnight.AddHours(15).UtcTicks);
            celsius.Add(low + 6);
        }

        return ([.. ticks], [.. celsius]);
    }
}
