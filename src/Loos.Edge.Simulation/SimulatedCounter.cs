namespace Loos.Edge.Simulation;

/// <summary>
/// An energy counter that integrates a simulated power over time, one hour at a time (the power at the middle of
/// each hour), so that its value at an instant is a function of that instant alone: the history written at start and
/// the live readings after it agree, and a restart in the same heating year reads the same counter again.
/// </summary>
internal sealed class SimulatedCounter
{
    private static readonly TimeSpan Step = TimeSpan.FromHours(1);

    private readonly Func<DateTimeOffset, double> watts;
    private readonly DateTimeOffset anchor;
    private readonly double initialWattHours;
    private DateTimeOffset stepStart;
    private double wattHoursAtStepStart;

    public SimulatedCounter(Func<DateTimeOffset, double> watts, DateTimeOffset anchor, double initialWattHours)
    {
        this.watts = watts;
        this.anchor = stepStart = anchor;
        this.initialWattHours = wattHoursAtStepStart = initialWattHours;
    }

    /// <summary>The counter at <paramref name="time"/>, in Wh; the initial value for any instant before the anchor.</summary>
    public double ValueAt(DateTimeOffset time)
    {
        if (time < stepStart)
        {
            // Instants come in order; one before the cached step starts over from the anchor.
            stepStart = anchor;
            wattHoursAtStepStart = initialWattHours;
            if (time < anchor)
            {
                return initialWattHours;
            }
        }

        while (stepStart + Step <= time)
        {
            wattHoursAtStepStart += StepWatts(stepStart) * Step.TotalHours;
            stepStart += Step;
        }

        return wattHoursAtStepStart + (StepWatts(stepStart) * (time - stepStart).TotalHours);
    }

    private double StepWatts(DateTimeOffset start) => watts(start + (Step / 2));
}
