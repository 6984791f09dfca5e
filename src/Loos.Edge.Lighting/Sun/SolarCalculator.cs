namespace Loos.Edge.Lighting.Sun;

/// <summary>
/// The sun's events at a place: the equations of the NOAA Global Monitoring Laboratory solar calculator
/// (gml.noaa.gov/grad/solcalc, "solar calculation details"), which follow Jean Meeus, <i>Astronomical Algorithms</i>
/// (Willmann-Bell, 1991). Like NOAA's web calculator, each event is computed twice: with the sun's position at 0 h UT
/// of the date, then again with its position at that first estimate (one pass alone is up to 2 minutes off near the
/// equinoxes, when the declination moves fastest). NOAA gives sunrise and sunset at zenith 90.833°; the twilights use
/// the same hour-angle equation at zenith 96°, 102° and 108°. Accurate to about a minute between latitudes ±72°;
/// on the day an event begins or stops happening (a polar day's first night, the end of the nights without
/// astronomical dusk), the sun only grazes the altitude near solar midnight or noon, and the event may come out
/// absent or a minute or two off, as in NOAA's calculator.
/// </summary>
public static class SolarCalculator
{
    // Julian day of 0001-01-01 at 0 h UT in the proleptic Gregorian calendar, so that DateOnly.DayNumber gives the date's Julian day.
    private const double JulianDayOfDayNumberZero = 1721425.5;
    private const double MinutesPerDay = 1440;

    /// <summary>The events of a calendar date at a place, as UTC instants rounded to the second.</summary>
    /// <param name="date">The date at the place.</param>
    /// <param name="latitude">Degrees, north positive, −90 to 90.</param>
    /// <param name="longitude">Degrees, east positive, −180 to 180.</param>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate out of its range.</exception>
    public static SunTimes ForDate(DateOnly date, double latitude, double longitude)
    {
        if (!(latitude is >= -90 and <= 90))
        {
            throw new ArgumentOutOfRangeException(nameof(latitude), latitude, "a latitude is between -90 and 90 degrees");
        }

        if (!(longitude is >= -180 and <= 180))
        {
            throw new ArgumentOutOfRangeException(nameof(longitude), longitude, "a longitude is between -180 and 180 degrees");
        }

        var julianDay = JulianDayOfDayNumberZero + date.DayNumber;
        var midnight = SunPosition.At(julianDay);
        var noonMinutes = SolarNoonMinutes(julianDay, longitude);
        var noonPosition = SunPosition.At(julianDay + (noonMinutes / MinutesPerDay));
        var dayStart = new DateTimeOffset(date.Year, date.Month, date.Day, 0, 0, 0, TimeSpan.Zero);
        var declinationDegrees = double.RadiansToDegrees(noonPosition.DeclinationRadians);
        return new SunTimes(
            date,
            Event(-18, rising: true),
            Event(-12, rising: true),
            Event(-6, rising: true),
            Event(-0.833, rising: true),
            Instant(dayStart, noonMinutes),
            Event(-0.833, rising: false),
            Event(-6, rising: false),
            Event(-12, rising: false),
            Event(-18, rising: false))
        {
            NoonAltitudeDegrees = 90 - Math.Abs(latitude - declinationDegrees),
            MidnightAltitudeDegrees = Math.Abs(latitude + declinationDegrees) - 90,
        };

        DateTimeOffset? Event(double altitudeDegrees, bool rising)
        {
            var cosineOfZenith = Math.Cos(double.DegreesToRadians(90 - altitudeDegrees));
            var firstEstimate = EventMinutes(rising, cosineOfZenith, midnight, latitude, longitude);
            if (double.IsNaN(firstEstimate))
            {
                // The sun at 0 h UT does not reach the altitude; on the first or last day of a polar day or night it
                // may still do so later in the day, so the estimate is tried once more from the sun at solar noon.
                firstEstimate = EventMinutes(rising, cosineOfZenith, noonPosition, latitude, longitude);
                if (double.IsNaN(firstEstimate))
                {
                    return null;
                }
            }

            var position = SunPosition.At(julianDay + (firstEstimate / MinutesPerDay));
            var minutes = EventMinutes(rising, cosineOfZenith, position, latitude, longitude);
            return double.IsNaN(minutes) ? null : Instant(dayStart, minutes);
        }
    }

    // NOAA calcSolNoon: the equation of time first near local noon, then again at that estimate; minutes after 0 h UT.
    private static double SolarNoonMinutes(double julianDay, double longitude)
    {
        var first = SunPosition.At(julianDay - (longitude / 360));
        var estimateMinutes = 720 - (4 * longitude) - first.EquationOfTimeMinutes;
        var second = SunPosition.At(julianDay + (estimateMinutes / MinutesPerDay));
        return 720 - (4 * longitude) - second.EquationOfTimeMinutes;
    }

    // NOAA calcSunriseSetUTC with calcHourAngleSunrise: minutes after 0 h UT, NaN when the sun does not reach the altitude.
    private static double EventMinutes(bool rising, double cosineOfZenith, SunPosition position, double latitude, double longitude)
    {
        var latitudeRadians = double.DegreesToRadians(latitude);
        var cosineOfHourAngle = (cosineOfZenith / (Math.Cos(latitudeRadians) * Math.Cos(position.DeclinationRadians)))
            - (Math.Tan(latitudeRadians) * Math.Tan(position.DeclinationRadians));
        if (!(cosineOfHourAngle is >= -1 and <= 1))
        {
            return double.NaN;
        }

        var hourAngleDegrees = double.RadiansToDegrees(Math.Acos(cosineOfHourAngle));
        return 720 - (4 * (longitude + (rising ? hourAngleDegrees : -hourAngleDegrees))) - position.EquationOfTimeMinutes;
    }

    private static DateTimeOffset Instant(DateTimeOffset dayStart, double minutes) =>
        dayStart.AddTicks((long)Math.Round(minutes * 60, MidpointRounding.AwayFromZero) * TimeSpan.TicksPerSecond);

    /// <summary>The sun's declination and the equation of time at an instant, after NOAA's solar calculator (Meeus, chapters 24 and 27).</summary>
    private readonly record struct SunPosition(double DeclinationRadians, double EquationOfTimeMinutes)
    {
        public static SunPosition At(double julianDay)
        {
            // Julian centuries since J2000.0.
            var t = (julianDay - 2451545.0) / 36525.0;
            var meanLongitudeDegrees = (280.46646 + (t * (36000.76983 + (t * 0.0003032)))) % 360;
            var meanAnomalyRadians = double.DegreesToRadians(357.52911 + (t * (35999.05029 - (0.0001537 * t))));
            var eccentricity = 0.016708634 - (t * (0.000042037 + (0.0000001267 * t)));
            var equationOfCentreDegrees = (Math.Sin(meanAnomalyRadians) * (1.914602 - (t * (0.004817 + (0.000014 * t)))))
                + (Math.Sin(2 * meanAnomalyRadians) * (0.019993 - (0.000101 * t)))
                + (Math.Sin(3 * meanAnomalyRadians) * 0.000289);
            var omegaRadians = double.DegreesToRadians(125.04 - (1934.136 * t));
            var apparentLongitudeRadians = double.DegreesToRadians(meanLongitudeDegrees + equationOfCentreDegrees - 0.00569 - (0.00478 * Math.Sin(omegaRadians)));
            var meanObliquitySeconds = 21.448 - (t * (46.8150 + (t * (0.00059 - (t * 0.001813)))));
            var obliquityRadians = double.DegreesToRadians(23.0 + ((26.0 + (meanObliquitySeconds / 60.0)) / 60.0) + (0.00256 * Math.Cos(omegaRadians)));
            var declinationRadians = Math.Asin(Math.Sin(obliquityRadians) * Math.Sin(apparentLongitudeRadians));

            var y = Math.Tan(obliquityRadians / 2);
            y *= y;
            var meanLongitudeRadians = double.DegreesToRadians(meanLongitudeDegrees);
            var equationOfTimeRadians = (y * Math.Sin(2 * meanLongitudeRadians))
                - (2 * eccentricity * Math.Sin(meanAnomalyRadians))
                + (4 * eccentricity * y * Math.Sin(meanAnomalyRadians) * Math.Cos(2 * meanLongitudeRadians))
                - (0.5 * y * y * Math.Sin(4 * meanLongitudeRadians))
                - (1.25 * eccentricity * eccentricity * Math.Sin(2 * meanAnomalyRadians));

            // Four minutes of time per degree of the Earth's rotation.
            return new SunPosition(declinationRadians, 4 * double.RadiansToDegrees(equationOfTimeRadians));
        }
    }
}
