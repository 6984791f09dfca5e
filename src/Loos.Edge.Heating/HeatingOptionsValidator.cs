using Loos.Edge.Core;

namespace Loos.Edge.Heating;

/// <summary>Checks <see cref="HeatingOptions"/>, each problem with its key.</summary>
public static class HeatingOptionsValidator
{
    /// <summary>Every problem of <paramref name="options"/>; empty when valid.</summary>
    public static ConfigurationProblems Check(HeatingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new ConfigurationProblems();
        if (!HeatingOptions.TryParseYearStart(options.YearStart, out _))
        {
            problems.Add("heating:yearStart", $": '{options.YearStart}' is not a month and day MM-DD");
        }

        if (!HeatingOptions.TryFindZone(options.TimeZone, out _))
        {
            problems.Add("heating:timeZone", $": '{options.TimeZone}' is not a known time zone (e.g. Europe/Paris)");
        }

        if (options.TariffEurPerKwh is < 0)
        {
            problems.Add("heating:tariffEurPerKwh", ": must not be negative");
        }

        if (options.DjuNormal is <= 0)
        {
            problems.Add("heating:djuNormal", ": must be positive");
        }

        if (options.TargetEur <= 0)
        {
            problems.Add("heating:targetEur", ": must be positive");
        }

        if (options.PublishInterval < TimeSpan.FromSeconds(1))
        {
            problems.Add("heating:publishInterval", ": must be at least 1 s");
        }

        if (options.PublishSeries && (options.TariffEurPerKwh is null || options.DjuNormal is null))
        {
            problems.Add("heating:publishSeries", ": needs heating:tariffEurPerKwh and heating:djuNormal");
        }

        if (options.CounterWrapsAtKwh is <= 0)
        {
            problems.Add("heating:counterWrapsAtKwh", ": must be positive");
        }

        for (var i = 0; i < options.MeterReplacements.Count; i++)
        {
            var replacement = options.MeterReplacements[i];
            if (string.IsNullOrWhiteSpace(replacement.Home))
            {
                problems.Add($"heating:meterReplacements:{i}:home", ": required");
            }

            if (replacement.At is null)
            {
                problems.Add($"heating:meterReplacements:{i}:at", ": required (an instant with its offset, e.g. 2026-02-03T10:00:00+01:00)");
            }
        }

        return problems;
    }
}
