using Loos.Edge.Core;

namespace Loos.Edge.Lighting.Calendar;

/// <summary>
/// The calendar's rules read once: for a night (the date of its evening), the first rule that matches it and so the
/// programme the night runs.
/// </summary>
internal sealed class LightingCalendar
{
    private const string Section = LightingOptions.SectionName;

    /// <summary>
    /// The nights a rule is checked on: the Gregorian calendar's weekdays repeat every 28 years (between two century
    /// years that are not leap years), so every weekday falls on every day of the year in the window.
    /// </summary>
    private const int CycleYears = 28;

    private readonly Rule[] rules;

    private LightingCalendar(Rule[] rules) => this.rules = rules;

    /// <summary>The rules in order.</summary>
    public IReadOnlyList<Rule> Rules => rules;

    /// <summary>The calendar of <paramref name="options"/>; entries that do not read are added to <paramref name="problems"/> and left out.</summary>
    public static LightingCalendar Read(LightingOptions options, ConfigurationProblems? problems = null)
    {
        var programmes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < options.Programmes.Count; i++)
        {
            programmes.TryAdd(options.Programmes[i].Name, i);
        }

        var rules = new Rule[options.Calendar.Count];
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = options.Calendar[i];
            var dates = new List<DatePattern>(rule.Dates.Count);
            for (var d = 0; d < rule.Dates.Count; d++)
            {
                if (DatePattern.TryParse(rule.Dates[d], out var pattern) is { } problem)
                {
                    problems?.Add($"{Section}:calendar:{i}:dates:{d}", problem);
                }
                else
                {
                    dates.Add(pattern);
                }
            }

            var weekdays = 0;
            foreach (var day in rule.Weekdays)
            {
                weekdays |= 1 << (int)day;
            }

            rules[i] = new Rule(
                string.IsNullOrWhiteSpace(rule.Name) ? $"calendar:{i}" : rule.Name,
                [.. dates],
                // A rule whose dates all failed to read matches nothing rather than every night.
                rule.Dates.Count > 0 && dates.Count == 0,
                weekdays,
                rule.Holidays,
                rule.HolidayEves,
                programmes.TryGetValue(rule.Programme, out var programme) ? programme : -1);
        }

        return new LightingCalendar(rules);
    }

    /// <summary>The index of the first rule that matches the night of <paramref name="night"/>, or -1 when none does.</summary>
    public int Match(DateOnly night)
    {
        for (var i = 0; i < rules.Length; i++)
        {
            if (rules[i].Matches(night))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Adds a problem for each rule that can never win (it matches no night, or every night it matches an earlier rule
    /// takes), naming the rules that hide it, and one for each weekday with nights that no rule matches, over
    /// <see cref="CycleYears"/> years of nights from <paramref name="firstYear"/> and every date a rule names.
    /// </summary>
    public void CheckCoverage(int firstYear, ConfigurationProblems problems)
    {
        if (rules.Length == 0)
        {
            return;
        }

        var wins = new bool[rules.Length];
        var matches = new bool[rules.Length];
        var hiders = new SortedSet<int>[rules.Length];
        var uncovered = new (DateOnly First, int Count)[7];
        var start = new DateOnly(firstYear, 1, 1);
        var end = start.AddYears(CycleYears);
        for (var night = start; night < end; night = night.AddDays(1))
        {
            if (Classify(night, wins, matches, hiders) < 0)
            {
                ref var weekday = ref uncovered[(int)night.DayOfWeek];
                weekday = (weekday.Count == 0 ? night : weekday.First, weekday.Count + 1);
            }
        }

        // Dates a rule names outside the window (a past event, a far one) are nights of the calendar too.
        foreach (var night in rules.SelectMany(r => r.Dates).SelectMany(d => d.AbsoluteDates()).Where(d => d < start || d >= end))
        {
            Classify(night, wins, matches, hiders);
        }

        for (var i = 0; i < rules.Length; i++)
        {
            if (rules[i].NoDate)
            {
                // Its dates are reported already, each with its key.
                continue;
            }

            if (!matches[i])
            {
                problems.Add($"{Section}:calendar:{i}", $"('{rules[i].Name}') can never match: no night is {rules[i].Describe()}");
            }
            else if (!wins[i])
            {
                var names = string.Join(", ", hiders[i].Select(h => $"'{rules[h].Name}' ({Section}:calendar:{h})"));
                problems.Add($"{Section}:calendar:{i}", $"('{rules[i].Name}') can never match: every night it matches, an earlier rule matches first: {names}");
            }
        }

        for (var day = 0; day < 7; day++)
        {
            if (uncovered[day].Count > 0)
            {
                var first = uncovered[day].First;
                problems.Add($"{Section}:calendar", string.Create(CultureInfo.InvariantCulture,
                    $": no rule matches some {(DayOfWeek)day} nights (the first {first:yyyy-MM-dd}, {uncovered[day].Count} in {firstYear}–{firstYear + CycleYears - 1}): end the calendar with a rule that has no condition"));
            }
        }
    }

    private int Classify(DateOnly night, bool[] wins, bool[] matches, SortedSet<int>[] hiders)
    {
        var winner = -1;
        for (var i = 0; i < rules.Length; i++)
        {
            if (!rules[i].Matches(night))
            {
                continue;
            }

            matches[i] = true;
            if (winner < 0)
            {
                winner = i;
                wins[i] = true;
            }
            else
            {
                (hiders[i] ??= []).Add(winner);
            }
        }

        return winner;
    }

    /// <summary>One rule, read.</summary>
    /// <param name="Name">Its name, or its key <c>calendar:N</c>.</param>
    /// <param name="Dates">Its date patterns; any date when empty.</param>
    /// <param name="NoDate">Dates were given and none of them reads: it matches no night.</param>
    /// <param name="WeekdayMask">Bit <c>1 &lt;&lt; DayOfWeek</c> for each weekday given; any weekday when 0.</param>
    /// <param name="Holidays">Only public holidays.</param>
    /// <param name="HolidayEves">Only eves of public holidays.</param>
    /// <param name="Programme">The index of its programme, -1 when the name is unknown.</param>
    internal sealed record Rule(string Name, DatePattern[] Dates, bool NoDate, int WeekdayMask, bool Holidays, bool HolidayEves, int Programme)
    {
        public bool Matches(DateOnly night)
        {
            if (NoDate || (WeekdayMask != 0 && (WeekdayMask & (1 << (int)night.DayOfWeek)) == 0))
            {
                return false;
            }

            if (Dates.Length > 0 && !AnyDateMatches(night))
            {
                return false;
            }

            return (!Holidays || FrenchHolidays.IsHoliday(night)) && (!HolidayEves || FrenchHolidays.IsHolidayEve(night));
        }

        private bool AnyDateMatches(DateOnly night)
        {
            foreach (var date in Dates)
            {
                if (date.Matches(night))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Its conditions in words, for a rule that matches nothing.</summary>
        public string Describe()
        {
            var conditions = new List<string>();
            if (Dates.Length > 0)
            {
                conditions.Add("in its dates");
            }

            if (WeekdayMask != 0)
            {
                conditions.Add("on " + string.Join(" or ", Enumerable.Range(0, 7).Where(d => (WeekdayMask & (1 << d)) != 0).Select(d => (DayOfWeek)d)));
            }

            if (Holidays)
            {
                conditions.Add("a public holiday");
            }

            if (HolidayEves)
            {
                conditions.Add("the eve of a public holiday");
            }

            return string.Join(" and ", conditions);
        }
    }
}
