using Loos.Edge.Core;
using Loos.Edge.Lighting.Sun;
using Loos.Edge.Modules;

namespace Loos.Edge.Lighting.Schedule;

/// <summary>
/// The checks of the programmes that need the site's place and clock: sun steps need a location, and the steps,
/// resolved on every night of two years (both solstices and equinoxes, both clock changes of each year), must come in
/// the order written.
/// </summary>
internal static class ProgrammeCheck
{
    private const string Section = LightingOptions.SectionName;
    private const int Years = 2;

    /// <summary>
    /// Adds a problem for a sun step at a site without latitude and longitude; for two steps that come in the wrong
    /// order on every night (a mistake in the list); and for a switch-on at a clock time that comes, on some nights,
    /// after the programme's next step switches off at a sun event (a fixed 06:00 "on" before "off at sunrise" would
    /// light in broad daylight in June). Two steps that cross only in some seasons (22:00 before a late June sunset)
    /// are not a problem: the later step in the list then starts with the earlier one and its level wins.
    /// </summary>
    public static void Check(LightingOptions options, SiteLocation? location, TimeZoneInfo zone, int firstYear, ConfigurationProblems problems)
    {
        var programmes = ProgrammeStep.ReadAll(options, problems: null);
        if (programmes.Length == 0)
        {
            return;
        }

        if (location is null)
        {
            for (var p = 0; p < programmes.Length; p++)
            {
                foreach (var step in programmes[p].Where(s => s.Sun is not null))
                {
                    problems.Add(StepKey(p, step, "at"), $": '{step.Describe()}' is a sun event: the site needs site:latitude and site:longitude");
                }
            }
        }

        var pairs = programmes.Select(steps => new PairFacts[Math.Max(0, steps.Length - 1)]).ToArray();
        var first = new DateOnly(firstYear, 1, 1);
        var morning = SunOn(first);
        var instants = new DateTimeOffset?[programmes.Length == 0 ? 0 : programmes.Max(p => p.Length)];
        for (var night = first; night < first.AddYears(Years); night = night.AddDays(1))
        {
            var evening = morning;
            morning = SunOn(night.AddDays(1));
            for (var p = 0; p < programmes.Length; p++)
            {
                var steps = programmes[p];
                for (var s = 0; s < steps.Length; s++)
                {
                    instants[s] = steps[s].Sun is not null && location is null ? null : steps[s].Resolve(night, zone, evening, morning);
                }

                for (var s = 0; s + 1 < steps.Length; s++)
                {
                    if (instants[s] is { } earlier && instants[s + 1] is { } later)
                    {
                        pairs[p][s].Record(night, later < earlier, later);
                    }
                }
            }
        }

        for (var p = 0; p < programmes.Length; p++)
        {
            for (var s = 0; s < pairs[p].Length; s++)
            {
                Report(p, programmes[p][s], programmes[p][s + 1], pairs[p][s], zone, problems);
            }
        }

        SunTimes? SunOn(DateOnly date) => location is null ? null : SolarCalculator.ForDate(date, location.Latitude, location.Longitude);
    }

    private static void Report(int programme, ProgrammeStep earlier, ProgrammeStep later, PairFacts facts, TimeZoneInfo zone, ConfigurationProblems problems)
    {
        if (facts.Nights == 0 || facts.Inverted == 0)
        {
            return;
        }

        var local = LocalClock.ToLocal(facts.FirstInstant, zone);
        if (facts.Inverted == facts.Nights)
        {
            problems.Add(StepKey(programme, later, "at"), string.Create(CultureInfo.InvariantCulture,
                $": '{later.Describe()}' comes before the step above it ('{earlier.Describe()}') on every night: list the steps in the order they happen, from the evening to the morning"));
        }
        else if (earlier.Level > 0 && later.Level == 0 && earlier.Sun is null && later.Sun is not null)
        {
            problems.Add(StepKey(programme, earlier, "at"), string.Create(CultureInfo.InvariantCulture,
                $": '{earlier.Describe()}' switches on after the next step's switch-off at {later.Describe()}, first on the night of {facts.FirstNight:yyyy-MM-dd} ({later.Describe()} at {local:HH:mm}), {facts.Inverted} of the {facts.Nights} nights checked: as written it would switch on in daylight with no switch-off after it; start it at a sun event, or give the next step a notBefore"));
        }
    }

    private static string StepKey(int programme, ProgrammeStep step, string field) => $"{Section}:programmes:{programme}:steps:{step.Number - 1}:{field}";

    /// <summary>What the nights showed of two consecutive steps: how often both happened, how often in the wrong order, and the first such night.</summary>
    private struct PairFacts
    {
        public int Nights;
        public int Inverted;
        public DateOnly FirstNight;
        public DateTimeOffset FirstInstant;

        public void Record(DateOnly night, bool inverted, DateTimeOffset laterInstant)
        {
            Nights++;
            if (inverted && Inverted++ == 0)
            {
                FirstNight = night;
                FirstInstant = laterInstant;
            }
        }
    }
}
