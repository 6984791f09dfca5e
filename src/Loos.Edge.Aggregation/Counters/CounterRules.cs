namespace Loos.Edge.Aggregation.Counters;

/// <summary>How the readings of one cumulative counter (a heat meter, a pulse counter, an inverter's energy) are read.</summary>
public sealed class CounterRules
{
    /// <summary>The rules of a counter that never wraps and tolerates no jitter.</summary>
    public static CounterRules Default { get; } = new();

    /// <summary>
    /// The value at which the counter wraps to 0 (e.g. 2³² for a 32-bit register, 10⁸ for an 8-digit BCD display), or
    /// null when it does not wrap. A drop from the top tenth of the range to the bottom tenth is then a rollover.
    /// </summary>
    public double? WrapsAt { get; init; }

    /// <summary>
    /// A drop no larger than this is noise (a meter's rounding, a re-read value), not a reset: the increase is 0 and the
    /// counter keeps its highest value as the baseline, so the next reading does not count the drop twice. 0 by default.
    /// </summary>
    public double JitterTolerance { get; init; }

    /// <summary>
    /// A counter that drops to at most this value restarted from zero (a reset), and its new value is consumption;
    /// a larger drop is a replacement meter starting from its own value. 0.5 % of the previous value by default.
    /// </summary>
    public double ResetFraction { get; init; } = 0.005;

    /// <summary>Meter replacements declared in the site file, in time order.</summary>
    public IReadOnlyList<MeterReplacement> Replacements { get; init; } = [];
}

/// <summary>
/// A meter swapped for another at <paramref name="At"/>: the old meter's last value and the new meter's first, so
/// that the consumption between the last reading of the old meter and the first of the new one is counted too.
/// </summary>
/// <param name="At">When the new meter was installed.</param>
/// <param name="OldFinalValue">The old meter's reading when it was removed.</param>
/// <param name="NewInitialValue">The new meter's reading when it was installed.</param>
public readonly record struct MeterReplacement(DateTimeOffset At, double OldFinalValue, double NewInitialValue);
