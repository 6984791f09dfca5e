using Loos.Edge.Core;

namespace Loos.Edge.Lighting;

/// <summary>Checks the <c>lighting</c> section: each circuit, programme and rule on its own, then the schedule they make together.</summary>
public static class LightingOptionsValidator
{
    private const string Section = LightingOptions.SectionName;

    /// <summary>Every problem of <paramref name="options"/>, each with its key.</summary>
    public static ConfigurationProblems Check(LightingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new ConfigurationProblems();
        CheckCircuits(options, problems);
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

                    if (circuit.Luminaires.Count == 0)
                    {
                        problems.Add($"{key}:luminaires", "must name at least one luminaire of the controller");
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
