namespace Loos.Edge.Aggregation.Counters;

/// <summary>What a counter did between two readings.</summary>
public enum CounterEvent : byte
{
    /// <summary>Rose (or stayed).</summary>
    Normal,

    /// <summary>Dropped by no more than the jitter tolerance: no consumption, the baseline is kept.</summary>
    Jitter,

    /// <summary>Wrapped at <see cref="CounterRules.WrapsAt"/>.</summary>
    Rollover,

    /// <summary>Restarted from zero: its new value is consumption.</summary>
    Reset,

    /// <summary>A new meter starting from its own value, detected: the interval counts nothing and the new value is the baseline.</summary>
    Replacement,
}

/// <summary>
/// Turns consecutive readings of a cumulative counter into increases that are never negative and never a spike: a
/// drop is jitter, a rollover, a reset or a meter replacement, each counted for what it is.
/// </summary>
public static class CounterIncrease
{
    /// <summary>
    /// The consumption between a reading <paramref name="previous"/> (the counter's baseline) and the next one,
    /// <paramref name="current"/>; <paramref name="baseline"/> is what the reading after this one is compared with.
    /// </summary>
    public static double Between(double previous, double current, CounterRules rules, out double baseline, out CounterEvent what)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (current >= previous)
        {
            baseline = current;
            what = CounterEvent.Normal;
            return current - previous;
        }

        var drop = previous - current;
        if (drop <= rules.JitterTolerance)
        {
            baseline = previous;
            what = CounterEvent.Jitter;
            return 0;
        }

        baseline = current;
        // Only a drop from the top tenth of the range to the bottom tenth is a wrap: a counter reset from lower down
        // would otherwise be read as a wrap and count most of the range as consumption.
        if (rules.WrapsAt is { } modulus && previous >= modulus * 0.9 && current < modulus * 0.1)
        {
            what = CounterEvent.Rollover;
            return current + modulus - previous;
        }

        if (current <= previous * rules.ResetFraction)
        {
            what = CounterEvent.Reset;
            return current;
        }

        what = CounterEvent.Replacement;
        return 0;
    }

    /// <summary>
    /// The consumption across a declared replacement between a reading <paramref name="previous"/> of the old meter
    /// and <paramref name="current"/> of the new one: the old meter's tail and the new meter's start, each at least 0.
    /// </summary>
    public static double AcrossReplacement(double previous, double current, MeterReplacement replacement) =>
        Math.Max(0, replacement.OldFinalValue - previous) + Math.Max(0, current - replacement.NewInitialValue);

    /// <summary>
    /// The consumption from a reading <paramref name="previous"/> at <paramref name="previousTicks"/> (the baseline) to
    /// <paramref name="current"/> at <paramref name="ticks"/>: across the first replacement declared between them, or as
    /// <see cref="Between"/> reads it.
    /// </summary>
    public static double Step(long previousTicks, double previous, long ticks, double current, CounterRules rules, out double baseline)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var replacements = rules.Replacements;
        for (var i = 0; i < replacements.Count; i++)
        {
            if (replacements[i].At.UtcTicks > previousTicks && replacements[i].At.UtcTicks <= ticks)
            {
                baseline = current;
                return AcrossReplacement(previous, current, replacements[i]);
            }
        }

        return Between(previous, current, rules, out baseline, out _);
    }

    /// <summary>
    /// The increases of a whole series, in time order (<paramref name="ticks"/> ascending, UTC ticks): increases[0] is 0,
    /// increases[i] the consumption between reading i − 1 and i. A repeated timestamp counts nothing. Allocation-free.
    /// </summary>
    public static void Compute(ReadOnlySpan<long> ticks, ReadOnlySpan<double> values, CounterRules rules, Span<double> increases)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (ticks.Length != values.Length || increases.Length < values.Length)
        {
            throw new ArgumentException("ticks, values and increases must have the same length.");
        }

        if (values.IsEmpty)
        {
            return;
        }

        increases[0] = 0;
        var baseline = values[0];
        for (var i = 1; i < values.Length; i++)
        {
            increases[i] = ticks[i] == ticks[i - 1] ? 0 : Step(ticks[i - 1], baseline, ticks[i], values[i], rules, out baseline);
        }
    }
}
