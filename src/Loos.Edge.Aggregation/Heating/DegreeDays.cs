namespace Loos.Edge.Aggregation.Heating;

/// <summary>Heating degree-days (DJU) per local day from outdoor temperature readings.</summary>
public static class DegreeDays
{
    /// <summary>
    /// DJU of each day: <c>max(0, base − (Tmin + Tmax) / 2)</c> over the outdoor readings within that day; NaN for a
    /// day without readings. <paramref name="ticks"/> need not be sorted. Allocation-free.
    /// </summary>
    public static void Daily(HeatingYear year, ReadOnlySpan<long> ticks, ReadOnlySpan<double> celsius, double baseCelsius, Span<double> dju)
    {
        ArgumentNullException.ThrowIfNull(year);
        var days = year.DaysElapsed;
        if (dju.Length < days || ticks.Length != celsius.Length)
        {
            throw new ArgumentException("dju needs one entry per day; ticks and celsius the same length.");
        }

        // Tmin and Tmax kept in the output span and a second pass: min in dju[d], max tracked per day below.
        Span<double> maxima = days <= 512 ? stackalloc double[days] : new double[days];
        dju[..days].Fill(double.PositiveInfinity);
        maxima.Fill(double.NegativeInfinity);
        for (var i = 0; i < ticks.Length; i++)
        {
            var day = year.DayOf(ticks[i]);
            var value = celsius[i];
            if (day < 0 || day >= days || double.IsNaN(value))
            {
                continue;
            }

            dju[day] = Math.Min(dju[day], value);
            maxima[day] = Math.Max(maxima[day], value);
        }

        for (var d = 0; d < days; d++)
        {
            dju[d] = double.IsPositiveInfinity(dju[d]) ? double.NaN : Math.Max(0, baseCelsius - ((dju[d] + maxima[d]) / 2));
        }
    }
}
