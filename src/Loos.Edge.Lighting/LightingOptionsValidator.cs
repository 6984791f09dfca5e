using Loos.Edge.Core;
using Loos.Edge.Lighting.Calendar;
using Loos.Edge.Lighting.Schedule;

namespace Loos.Edge.Lighting;

/// <summary>Checks the <c>lighting</c> section: each circuit, programme and rule on its own, then the schedule they make together.</summary>
public static class LightingOptionsValidator
{
    private const string Section = LightingOptions.SectionName;

    /// <summary>
    /// Every problem of <paramref name="options"/>, each with its key; the calendar's rules are checked over the 28
    /// years of nights from this year on.
    /// </summary>
    public static ConfigurationProblems Check(LightingOptions options) => Check(options, TimeProvider.System.GetLocalNow().Year);

    /// <summary>Every problem of <paramref name="options"/>, the calendar checked over 28 years of nights from <paramref name="firstYear"/>.</summary>
    internal static ConfigurationProblems Check(LightingOptions options, int firstYear)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ReplaceEmptyValues();
        var problems = new ConfigurationProblems();
        CheckCircuits(options, problems);
        CheckProgrammes(options, problems);
        CheckCalendar(options, firstYear, problems);
        if (options.MinimumBurnTime < TimeSpan.Zero)
        {
            problems.Add($"{Section}:minimumBurnTime", "must not be negative");
        }

        if (options.ConfirmTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:confirmTimeout", "must be positive");
        }

        if (options.ResendMaxDelay < options.ConfirmTimeout)
        {
            problems.Add($"{Section}:resendMaxDelay", $"must be at least confirmTimeout ({options.ConfirmTimeout})");
        }

        if (options.SafeLevel is < 0 or > 100)
        {
            problems.Add($"{Section}:safeLevel", "must be between 0 and 100");
        }

        return problems;
    }

    private static void CheckProgrammes(LightingOptions options, ConfigurationProblems problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Programmes.Count; i++)
        {
            var programme = options.Programmes[i];
            if (string.IsNullOrWhiteSpace(programme.Name))
            {
                problems.Add($"{Section}:programmes:{i}:name", "is required: calendar rules name the programme they run");
            }
            else if (!names.Add(programme.Name))
            {
                problems.Add($"{Section}:programmes:{i}:name", $": '{programme.Name}' names two programmes");
            }
        }

        // Each step's time, clamps and level; the order of the steps needs the site's sun times (LightingModule).
        ProgrammeStep.ReadAll(options, problems);
    }

    private static void CheckCalendar(LightingOptions options, int firstYear, ConfigurationProblems problems)
    {
        if (options.Calendar.Count == 0)
        {
            if (options.Circuits.Count > 0)
            {
                problems.Add($"{Section}:calendar", "is empty: each night needs a rule that names its programme");
            }

            return;
        }

        var programmes = options.Programmes.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Calendar.Count; i++)
        {
            var rule = options.Calendar[i];
            if (!string.IsNullOrWhiteSpace(rule.Name) && !names.Add(rule.Name))
            {
                problems.Add($"{Section}:calendar:{i}:name", $": '{rule.Name}' names two rules");
            }

            if (string.IsNullOrWhiteSpace(rule.Programme))
            {
                problems.Add($"{Section}:calendar:{i}:programme", "is required: the programme of the nights the rule matches");
            }
            else if (!programmes.Contains(rule.Programme))
            {
                problems.Add($"{Section}:calendar:{i}:programme", $": no programme is named '{rule.Programme}' (programmes: {string.Join(", ", programmes.Select(p => $"'{p}'"))})");
            }
        }

        var calendar = LightingCalendar.Read(options, problems);
        calendar.CheckCoverage(firstYear, problems);
    }

    private static void CheckCircuits(LightingOptions options, ConfigurationProblems problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Circuits.Count; i++)
        {
            var circuit = options.Circuits[i];
            var key = $"{Section}:circuits:{i}";
            if (string.IsNullOrWhiteSpace(circuit.Name))
            {
                problems.Add($"{key}:name", "is required");
            }
            else if (!names.Add(circuit.Name))
            {
                problems.Add($"{key}:name", $": '{circuit.Name}' names two circuits");
            }

            if (circuit.RatedPowerW is <= 0 or double.NaN or double.PositiveInfinity)
            {
                problems.Add($"{key}:ratedPowerW", "must be a positive number of watts");
            }

            switch (circuit.Kind)
            {
                case CircuitKind.Mqtt:
                    if (string.IsNullOrWhiteSpace(circuit.Controller))
                    {
                        problems.Add($"{key}:controller", "is required for an mqtt circuit");
                    }
                    else if (circuit.Controller.AsSpan().IndexOfAny("/+#") >= 0)
                    {
                        problems.Add($"{key}:controller", $": '{circuit.Controller}' is not a controller name (a topic level without '/', '+' or '#')");
                    }

                    if (circuit.Luminaires.Count == 0)
                    {
                        problems.Add($"{key}:luminaires", "must name at least one luminaire of the controller");
                    }

                    for (var l = 0; l < circuit.Luminaires.Count; l++)
                    {
                        // A name goes into a topic level: no wildcard, no separator.
                        if (circuit.Luminaires[l].Length == 0 || circuit.Luminaires[l].AsSpan().IndexOfAny("/+#") >= 0)
                        {
                            problems.Add($"{key}:luminaires:{l}", $": '{circuit.Luminaires[l]}' is not a luminaire name (a topic level without '/', '+' or '#')");
                        }
                    }

                    break;
                case CircuitKind.Relay:
                    if (circuit.Pin is not >= 0)
                    {
                        problems.Add($"{key}:pin", "is required for a relay circuit (a GPIO line number)");
                    }

                    if (circuit.Curve != DimmingCurve.Linear)
                    {
                        problems.Add($"{key}:curve", "a relay is on or off: it has no dimming curve");
                    }

                    break;
            }
        }
    }
}
