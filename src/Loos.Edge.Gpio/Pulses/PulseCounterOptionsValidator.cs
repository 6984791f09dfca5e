namespace Loos.Edge.Gpio.Pulses;

/// <summary>Checks <c>gpio:pulseCounters</c>.</summary>
public static class PulseCounterOptionsValidator
{
    /// <summary>Every problem of the pulse counters, each starting with its key path; empty when valid.</summary>
    public static IReadOnlyList<string> Check(GpioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [];
    }
}
