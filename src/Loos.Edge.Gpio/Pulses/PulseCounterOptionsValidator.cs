using Loos.Edge.Core;

namespace Loos.Edge.Gpio.Pulses;

/// <summary>Checks <c>gpio:pulseCounters</c>.</summary>
public static class PulseCounterOptionsValidator
{
    /// <summary>
    /// Every problem of the pulse counters, each starting with its key path, for example
    /// <c>gpio:pulseCounters:0:pin: 17 is also the pin of counter 'water'</c>; empty when valid.
    /// </summary>
    public static ConfigurationProblems Check(GpioOptions options) => ConfigurationProblems.Of(problems => PulseCounterPlanner.Plan(options, problems));
}
