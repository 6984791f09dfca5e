using System.Globalization;
using Loos.Edge.Lighting.Sun;

namespace Loos.Edge.Lighting.Tests.Sun;

public sealed class SolarCalculatorTests
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Sunrise, solar noon and sunset in UTC from NOAA's own calculator: the calculation functions of the NOAA Global
    /// Monitoring Laboratory web calculator (gml.noaa.gov/grad/solcalc/main.js), run unmodified under Node.js for these
    /// places and dates as its calculate() runs them: getJD(date), calcSolNoon(jday, longitude, 0), and for sunrise and
    /// sunset calcSunriseSet's two passes of calcSunriseSetUTC (at jday, then at jday + first estimate). Null where
    /// NOAA's second pass found no number (the sun does not rise or set that day). Rounded to the second.
    /// Places: Loos-en-Gohelle, Marseille, Tromsø (69.6° N), Quito (equator), Sydney and Ushuaia (south); dates: the
    /// 2026 equinoxes and solstices and both European clock changes (29 March, 25 October).
    /// </summary>
    public static TheoryData<string, double, double, string, string?, string, string?> Noaa => new()
    {
        { "LoosEnGohelle", 50.457, 2.793, "2026-03-20", "2026-03-20T05:51:48Z", "2026-03-20T11:56:25Z", "2026-03-20T18:01:41Z" },
        { "LoosEnGohelle", 50.457, 2.793, "2026-03-29", "2026-03-29T05:31:56Z", "2026-03-29T11:53:43Z", "2026-03-29T18:16:12Z" },
        { "LoosEnGohelle", 50.457, 2.793, "2026-06-21", "2026-06-21T03:37:07Z", "2026-06-21T11:50:33Z", "2026-06-21T20:04:11Z" },
        { "LoosEnGohelle", 50.457, 2.793, "2026-09-23", "2026-09-23T05:36:30Z", "2026-09-23T11:41:24Z", "2026-09-23T17:44:59Z" },
        { "LoosEnGohelle", 50.457, 2.793, "2026-10-25", "2026-10-25T06:27:40Z", "2026-10-25T11:32:55Z", "2026-10-25T16:37:18Z" },
        { "LoosEnGohelle", 50.457, 2.793, "2026-12-21", "2026-12-21T07:46:52Z", "2026-12-21T11:46:39Z", "2026-12-21T15:46:56Z" },
        { "Marseille", 43.2965, 5.3698, "2026-03-20", "2026-03-20T05:42:00Z", "2026-03-20T11:46:06Z", "2026-03-20T17:50:40Z" },
        { "Marseille", 43.2965, 5.3698, "2026-03-29", "2026-03-29T05:25:57Z", "2026-03-29T11:43:24Z", "2026-03-29T18:01:20Z" },
        { "Marseille", 43.2965, 5.3698, "2026-06-21", "2026-06-21T03:58:20Z", "2026-06-21T11:40:14Z", "2026-06-21T19:22:21Z" },
        { "Marseille", 43.2965, 5.3698, "2026-09-23", "2026-09-23T05:26:45Z", "2026-09-23T11:31:05Z", "2026-09-23T17:34:20Z" },
        { "Marseille", 43.2965, 5.3698, "2026-10-25", "2026-10-25T06:04:29Z", "2026-10-25T11:22:37Z", "2026-10-25T16:40:01Z" },
        { "Marseille", 43.2965, 5.3698, "2026-12-21", "2026-12-21T07:07:29Z", "2026-12-21T11:36:21Z", "2026-12-21T16:05:41Z" },
        { "Tromso", 69.6492, 18.9553, "2026-03-20", "2026-03-20T04:43:52Z", "2026-03-20T10:51:46Z", "2026-03-20T17:01:33Z" },
        { "Tromso", 69.6492, 18.9553, "2026-03-29", "2026-03-29T04:02:46Z", "2026-03-29T10:49:04Z", "2026-03-29T17:37:30Z" },
        { "Tromso", 69.6492, 18.9553, "2026-06-21", null, "2026-06-21T10:45:53Z", null },
        { "Tromso", 69.6492, 18.9553, "2026-09-23", "2026-09-23T04:27:51Z", "2026-09-23T10:36:46Z", "2026-09-23T16:43:10Z" },
        { "Tromso", 69.6492, 18.9553, "2026-10-25", "2026-10-25T06:37:57Z", "2026-10-25T10:28:17Z", "2026-10-25T14:17:00Z" },
        { "Tromso", 69.6492, 18.9553, "2026-12-21", null, "2026-12-21T10:41:59Z", null },
        { "Quito", -0.1807, -78.4678, "2026-03-20", "2026-03-20T11:17:59Z", "2026-03-20T17:21:23Z", "2026-03-20T23:24:30Z" },
        { "Quito", -0.1807, -78.4678, "2026-03-29", "2026-03-29T11:15:19Z", "2026-03-29T17:18:41Z", "2026-03-29T23:21:45Z" },
        { "Quito", -0.1807, -78.4678, "2026-06-21", "2026-06-21T11:12:22Z", "2026-06-21T17:15:38Z", "2026-06-21T23:19:07Z" },
        { "Quito", -0.1807, -78.4678, "2026-09-23", "2026-09-23T11:02:56Z", "2026-09-23T17:06:22Z", "2026-09-23T23:09:26Z" },
        { "Quito", -0.1807, -78.4678, "2026-10-25", "2026-10-25T10:54:21Z", "2026-10-25T16:57:56Z", "2026-10-25T23:01:25Z" },
        { "Quito", -0.1807, -78.4678, "2026-12-21", "2026-12-21T11:07:59Z", "2026-12-21T17:11:48Z", "2026-12-21T23:16:08Z" },
        { "Sydney", -33.8688, 151.2093, "2026-03-20", "2026-03-19T19:57:57Z", "2026-03-20T02:02:52Z", "2026-03-20T08:06:57Z" },
        { "Sydney", -33.8688, 151.2093, "2026-03-29", "2026-03-28T20:04:46Z", "2026-03-29T02:00:10Z", "2026-03-29T07:54:45Z" },
        { "Sydney", -33.8688, 151.2093, "2026-06-21", "2026-06-20T20:59:57Z", "2026-06-21T01:56:47Z", "2026-06-21T06:53:50Z" },
        { "Sydney", -33.8688, 151.2093, "2026-09-23", "2026-09-22T19:43:58Z", "2026-09-23T01:47:53Z", "2026-09-23T07:51:58Z" },
        { "Sydney", -33.8688, 151.2093, "2026-10-25", "2026-10-24T19:02:27Z", "2026-10-25T01:39:18Z", "2026-10-25T08:16:35Z" },
        { "Sydney", -33.8688, 151.2093, "2026-12-21", "2026-12-20T18:40:39Z", "2026-12-21T01:52:47Z", "2026-12-21T09:05:26Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-03-20", "2026-03-20T10:34:30Z", "2026-03-20T16:40:44Z", "2026-03-20T22:45:32Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-03-29", "2026-03-29T10:51:54Z", "2026-03-29T16:38:02Z", "2026-03-29T22:22:48Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-06-21", "2026-06-21T12:58:51Z", "2026-06-21T16:34:58Z", "2026-06-21T20:11:18Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-09-23", "2026-09-23T10:18:54Z", "2026-09-23T16:25:43Z", "2026-09-23T22:33:17Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-10-25", "2026-10-25T08:59:54Z", "2026-10-25T16:17:17Z", "2026-10-25T23:35:52Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-12-21", "2026-12-21T07:51:25Z", "2026-12-21T16:31:08Z", "2026-12-22T01:11:21Z" },
    };

    /// <summary>
    /// Dawn and dusk at −18°, −12° and −6° in UTC from PyEphem 4.1.4 (Debian python3-ephem; libastro with the VSOP87
    /// theory, sharing no code with NOAA's equations): the sun's centre at that altitude without refraction
    /// (pressure 0, use_center), the rising before and the setting after the day's transit; null where PyEphem reports
    /// that the sun stays above or below that altitude. Rounded to the second. NOAA's calculator gives no twilights.
    /// </summary>
    public static TheoryData<string, double, double, string, string?, string?, string?, string?, string?, string?> Twilights => new()
    {
        { "LoosEnGohelle", 50.457, 2.793, "2026-03-20", "2026-03-20T04:01:13Z", "2026-03-20T04:40:59Z", "2026-03-20T05:19:20Z", "2026-03-20T18:34:17Z", "2026-03-20T19:12:47Z", "2026-03-20T19:52:46Z" },
        { "LoosEnGohelle", 50.457, 2.793, "2026-03-29", "2026-03-29T03:38:14Z", "2026-03-29T04:19:46Z", "2026-03-29T04:59:05Z", "2026-03-29T18:49:11Z", "2026-03-29T19:28:41Z", "2026-03-29T20:10:31Z" },
        { "LoosEnGohelle", 50.457, 2.793, "2026-06-21", null, "2026-06-21T01:43:31Z", "2026-06-21T02:51:34Z", "2026-06-21T20:49:42Z", "2026-06-21T21:57:46Z", null },
        { "LoosEnGohelle", 50.457, 2.793, "2026-09-23", "2026-09-23T03:45:31Z", "2026-09-23T04:25:27Z", "2026-09-23T05:03:55Z", "2026-09-23T18:17:27Z", "2026-09-23T18:55:46Z", "2026-09-23T19:35:28Z" },
        { "LoosEnGohelle", 50.457, 2.793, "2026-10-25", "2026-10-25T04:38:09Z", "2026-10-25T05:15:55Z", "2026-10-25T05:54:04Z", "2026-10-25T17:10:57Z", "2026-10-25T17:49:02Z", "2026-10-25T18:26:43Z" },
        { "LoosEnGohelle", 50.457, 2.793, "2026-12-21", "2026-12-21T05:45:52Z", "2026-12-21T06:25:45Z", "2026-12-21T07:07:49Z", "2026-12-21T16:25:58Z", "2026-12-21T17:08:02Z", "2026-12-21T17:47:54Z" },
        { "Marseille", 43.2965, 5.3698, "2026-03-20", "2026-03-20T04:06:18Z", "2026-03-20T04:40:19Z", "2026-03-20T05:13:37Z", "2026-03-20T18:19:07Z", "2026-03-20T18:52:31Z", "2026-03-20T19:26:40Z" },
        { "Marseille", 43.2965, 5.3698, "2026-03-29", "2026-03-29T03:48:28Z", "2026-03-29T04:23:28Z", "2026-03-29T04:57:20Z", "2026-03-29T18:30:02Z", "2026-03-29T19:04:02Z", "2026-03-29T19:39:11Z" },
        { "Marseille", 43.2965, 5.3698, "2026-06-21", "2026-06-21T01:37:51Z", "2026-06-21T02:36:07Z", "2026-06-21T03:22:40Z", "2026-06-21T19:58:00Z", "2026-06-21T20:44:33Z", "2026-06-21T21:42:48Z" },
        { "Marseille", 43.2965, 5.3698, "2026-09-23", "2026-09-23T03:50:47Z", "2026-09-23T04:24:54Z", "2026-09-23T04:58:17Z", "2026-09-23T18:02:43Z", "2026-09-23T18:36:00Z", "2026-09-23T19:09:59Z" },
        { "Marseille", 43.2965, 5.3698, "2026-10-25", "2026-10-25T04:28:54Z", "2026-10-25T05:01:57Z", "2026-10-25T05:35:18Z", "2026-10-25T17:09:16Z", "2026-10-25T17:42:35Z", "2026-10-25T18:15:35Z" },
        { "Marseille", 43.2965, 5.3698, "2026-12-21", "2026-12-21T05:24:01Z", "2026-12-21T05:58:46Z", "2026-12-21T06:34:51Z", "2026-12-21T16:38:18Z", "2026-12-21T17:14:23Z", "2026-12-21T17:49:08Z" },
        { "Tromso", 69.6492, 18.9553, "2026-03-20", "2026-03-20T00:46:19Z", "2026-03-20T02:27:37Z", "2026-03-20T03:43:50Z", "2026-03-20T18:02:05Z", "2026-03-20T19:19:22Z", "2026-03-20T21:04:42Z" },
        { "Tromso", 69.6492, 18.9553, "2026-03-29", null, "2026-03-29T01:32:52Z", "2026-03-29T02:59:51Z", "2026-03-29T18:41:08Z", "2026-03-29T20:10:07Z", null },
        { "Tromso", 69.6492, 18.9553, "2026-06-21", null, null, null, null, null, null },
        { "Tromso", 69.6492, 18.9553, "2026-09-23", "2026-09-23T00:26:08Z", "2026-09-23T02:10:19Z", "2026-09-23T03:27:21Z", "2026-09-23T17:43:11Z", "2026-09-23T18:59:11Z", "2026-09-23T20:39:34Z" },
        { "Tromso", 69.6492, 18.9553, "2026-10-25", "2026-10-25T03:10:45Z", "2026-10-25T04:20:32Z", "2026-10-25T05:31:11Z", "2026-10-25T15:23:44Z", "2026-10-25T16:34:07Z", "2026-10-25T17:43:28Z" },
        { "Tromso", 69.6492, 18.9553, "2026-12-21", "2026-12-21T05:28:20Z", "2026-12-21T06:46:43Z", "2026-12-21T08:31:15Z", "2026-12-21T12:53:10Z", "2026-12-21T14:37:42Z", "2026-12-21T15:56:05Z" },
        { "Quito", -0.1807, -78.4678, "2026-03-20", "2026-03-20T10:09:20Z", "2026-03-20T10:33:20Z", "2026-03-20T10:57:20Z", "2026-03-20T23:45:09Z", "2026-03-21T00:09:09Z", "2026-03-21T00:33:09Z" },
        { "Quito", -0.1807, -78.4678, "2026-03-29", "2026-03-29T10:06:33Z", "2026-03-29T10:30:35Z", "2026-03-29T10:54:38Z", "2026-03-29T23:42:27Z", "2026-03-30T00:06:30Z", "2026-03-30T00:30:33Z" },
        { "Quito", -0.1807, -78.4678, "2026-06-21", "2026-06-21T09:57:17Z", "2026-06-21T10:23:37Z", "2026-06-21T10:49:50Z", "2026-06-21T23:41:38Z", "2026-06-22T00:07:51Z", "2026-06-22T00:34:11Z" },
        { "Quito", -0.1807, -78.4678, "2026-09-23", "2026-09-23T09:54:17Z", "2026-09-23T10:18:17Z", "2026-09-23T10:42:16Z", "2026-09-23T23:30:04Z", "2026-09-23T23:54:04Z", "2026-09-24T00:18:04Z" },
        { "Quito", -0.1807, -78.4678, "2026-10-25", "2026-10-25T09:44:05Z", "2026-10-25T10:08:41Z", "2026-10-25T10:33:15Z", "2026-10-25T23:22:37Z", "2026-10-25T23:47:12Z", "2026-10-26T00:11:49Z" },
        { "Quito", -0.1807, -78.4678, "2026-12-21", "2026-12-21T09:52:50Z", "2026-12-21T10:19:12Z", "2026-12-21T10:45:26Z", "2026-12-21T23:38:39Z", "2026-12-22T00:04:53Z", "2026-12-22T00:31:15Z" },
        { "Sydney", -33.8688, 151.2093, "2026-03-20", "2026-03-19T18:34:28Z", "2026-03-19T19:03:55Z", "2026-03-19T19:33:02Z", "2026-03-20T08:31:50Z", "2026-03-20T09:00:53Z", "2026-03-20T09:30:16Z" },
        { "Sydney", -33.8688, 151.2093, "2026-03-29", "2026-03-28T18:41:49Z", "2026-03-28T19:10:55Z", "2026-03-28T19:39:52Z", "2026-03-29T08:19:38Z", "2026-03-29T08:48:32Z", "2026-03-29T09:17:35Z" },
        { "Sydney", -33.8688, 151.2093, "2026-06-21", "2026-06-20T19:30:30Z", "2026-06-20T20:00:59Z", "2026-06-20T20:32:14Z", "2026-06-21T07:21:33Z", "2026-06-21T07:52:48Z", "2026-06-21T08:23:16Z" },
        { "Sydney", -33.8688, 151.2093, "2026-09-23", "2026-09-22T18:20:41Z", "2026-09-22T18:50:02Z", "2026-09-22T19:19:04Z", "2026-09-23T08:16:52Z", "2026-09-23T08:45:58Z", "2026-09-23T09:15:24Z" },
        { "Sydney", -33.8688, 151.2093, "2026-10-25", "2026-10-24T17:33:25Z", "2026-10-24T18:05:33Z", "2026-10-24T18:36:31Z", "2026-10-25T08:42:41Z", "2026-10-25T09:13:45Z", "2026-10-25T09:46:02Z" },
        { "Sydney", -33.8688, 151.2093, "2026-12-21", "2026-12-20T16:56:16Z", "2026-12-20T17:35:35Z", "2026-12-20T18:11:29Z", "2026-12-21T09:34:34Z", "2026-12-21T10:10:28Z", "2026-12-21T10:49:48Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-03-20", "2026-03-20T08:30:20Z", "2026-03-20T09:15:35Z", "2026-03-20T09:58:27Z", "2026-03-20T23:21:28Z", "2026-03-21T00:04:07Z", "2026-03-21T00:49:02Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-03-29", "2026-03-29T08:50:33Z", "2026-03-29T09:33:57Z", "2026-03-29T10:15:59Z", "2026-03-29T22:58:38Z", "2026-03-29T23:40:30Z", "2026-03-30T00:23:39Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-06-21", "2026-06-21T10:41:58Z", "2026-06-21T11:26:13Z", "2026-06-21T12:13:37Z", "2026-06-21T20:56:32Z", "2026-06-21T21:43:56Z", "2026-06-21T22:28:10Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-09-23", "2026-09-23T08:15:05Z", "2026-09-23T09:00:12Z", "2026-09-23T09:42:57Z", "2026-09-23T23:09:21Z", "2026-09-23T23:52:19Z", "2026-09-24T00:37:45Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-10-25", "2026-10-25T06:23:18Z", "2026-10-25T07:27:54Z", "2026-10-25T08:19:48Z", "2026-10-26T00:16:20Z", "2026-10-26T01:08:47Z", "2026-10-26T02:14:46Z" },
        { "Ushuaia", -54.8019, -68.303, "2026-12-21", null, null, "2026-12-21T06:53:57Z", "2026-12-22T02:08:48Z", null, null },
    };

    [Theory]
    [MemberData(nameof(Noaa))]
    public void ForDate_SunriseNoonAndSunset_WithinAMinuteOfNoaa(string place, double latitude, double longitude, string date, string? sunrise, string solarNoon, string? sunset)
    {
        var times = SolarCalculator.ForDate(DateOnly.Parse(date, CultureInfo.InvariantCulture), latitude, longitude);

        AssertNear(place, SunEvent.Sunrise, sunrise, times.Sunrise);
        AssertNear(place, SunEvent.SolarNoon, solarNoon, times.SolarNoon);
        AssertNear(place, SunEvent.Sunset, sunset, times.Sunset);
    }

    [Theory]
    [MemberData(nameof(Twilights))]
    public void ForDate_Twilights_WithinAMinuteOfPyEphem(
        string place, double latitude, double longitude, string date, string? astronomicalDawn, string? nauticalDawn, string? civilDawn, string? civilDusk, string? nauticalDusk, string? astronomicalDusk)
    {
        var times = SolarCalculator.ForDate(DateOnly.Parse(date, CultureInfo.InvariantCulture), latitude, longitude);

        AssertNear(place, SunEvent.AstronomicalDawn, astronomicalDawn, times[SunEvent.AstronomicalDawn]);
        AssertNear(place, SunEvent.NauticalDawn, nauticalDawn, times[SunEvent.NauticalDawn]);
        AssertNear(place, SunEvent.CivilDawn, civilDawn, times[SunEvent.CivilDawn]);
        AssertNear(place, SunEvent.CivilDusk, civilDusk, times[SunEvent.CivilDusk]);
        AssertNear(place, SunEvent.NauticalDusk, nauticalDusk, times[SunEvent.NauticalDusk]);
        AssertNear(place, SunEvent.AstronomicalDusk, astronomicalDusk, times[SunEvent.AstronomicalDusk]);
    }

    [Fact]
    public void ForDate_JuneAtLoos_HasNoAstronomicalNightAndSaysTheSunStaysAbove()
    {
        var times = SolarCalculator.ForDate(new DateOnly(2026, 6, 21), 50.457, 2.793);

        Assert.Null(times.AstronomicalDawn);
        Assert.Null(times[SunEvent.AstronomicalDusk]);
        Assert.True(times.StaysAbove(SunEvent.AstronomicalDusk));
        Assert.NotNull(times.NauticalDusk);
        Assert.False(times.StaysAbove(SunEvent.NauticalDusk));
    }

    [Fact]
    public void ForDate_PolarDayAtTromso_HasOnlySolarNoonAndAWholeDayOfSun()
    {
        var times = SolarCalculator.ForDate(new DateOnly(2026, 6, 21), 69.6492, 18.9553);

        foreach (var sunEvent in SunEvents.All.Where(e => e != SunEvent.SolarNoon))
        {
            Assert.Null(times[sunEvent]);
            Assert.True(times.StaysAbove(sunEvent), $"{sunEvent}: the sun stays above it in the polar day");
        }

        Assert.NotNull(times.SolarNoon);
        Assert.Equal(TimeSpan.FromDays(1), times.DayLength);
    }

    [Fact]
    public void ForDate_PolarNightAtTromso_HasTwilightButNoSunriseAndNoDay()
    {
        var times = SolarCalculator.ForDate(new DateOnly(2026, 12, 21), 69.6492, 18.9553);

        Assert.Null(times.Sunrise);
        Assert.Null(times.Sunset);
        Assert.False(times.StaysAbove(SunEvent.Sunrise));
        Assert.NotNull(times.CivilDawn);
        Assert.NotNull(times.CivilDusk);
        Assert.Equal(TimeSpan.Zero, times.DayLength);
    }

    [Fact]
    public void ForDate_NorthPole_HasNoRiseOrSetButANoon()
    {
        var times = SolarCalculator.ForDate(new DateOnly(2026, 3, 1), 90, 0);

        Assert.Null(times.Sunrise);
        Assert.Null(times.CivilDusk);
        Assert.NotNull(times.SolarNoon);
    }

    [Theory]
    [InlineData(91, 0)]
    [InlineData(-90.5, 0)]
    [InlineData(0, 180.5)]
    [InlineData(double.NaN, 0)]
    public void ForDate_CoordinatesOutOfRange_AreRefused(double latitude, double longitude)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SolarCalculator.ForDate(new DateOnly(2026, 6, 21), latitude, longitude));
    }

    [Fact]
    public void ForDate_EventsOfADay_AreInTheirOrderAndToTheSecond()
    {
        var times = SolarCalculator.ForDate(new DateOnly(2026, 10, 25), 50.457, 2.793);

        var instants = SunEvents.All.Select(e => times[e]!.Value).ToList();
        Assert.Equal(instants.Order(), instants);
        Assert.All(instants, i => Assert.Equal(0, i.Ticks % TimeSpan.TicksPerSecond));
        Assert.Equal(new DateOnly(2026, 10, 25), times.Date);
    }

    [Fact]
    public void ForDate_AYearOfNights_AllocatesNothing()
    {
        var first = new DateOnly(2026, 1, 1);
        SolarCalculator.ForDate(first, 50.457, 2.793);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var lit = TimeSpan.Zero;
        for (var day = 0; day < 365; day++)
        {
            var times = SolarCalculator.ForDate(first.AddDays(day), 50.457, 2.793);
            lit += times.DayLength;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.InRange(lit.TotalHours / 365, 12.0, 12.5);
    }

    private static void AssertNear(string place, SunEvent sunEvent, string? expected, DateTimeOffset? actual)
    {
        if (expected is null)
        {
            Assert.True(actual is null, $"{place} {sunEvent}: expected none, got {actual:O}");
            return;
        }

        Assert.True(actual is not null, $"{place} {sunEvent}: expected {expected}, got none");
        var difference = (actual.Value - DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture)).Duration();
        Assert.True(difference <= Tolerance, $"{place} {sunEvent}: expected {expected}, got {actual:O} ({difference.TotalSeconds:0} s apart)");
    }
}
