namespace Loos.Edge.Gpio;

/// <summary>The site file's <c>gpio</c> section: pulse counters on GPIO pins, and 1-Wire and I²C sensors.</summary>
public sealed class GpioOptions
{
    /// <summary>The section's name in the site file.</summary>
    public const string SectionName = "gpio";

    /// <summary>S0 pulse counters (energy or water meters' pulse outputs on GPIO pins).</summary>
    public List<Pulses.PulseCounterOptions> PulseCounters { get; init; } = [];

    /// <summary>1-Wire and I²C sensors, each polled on its own interval.</summary>
    public List<Sensors.SensorOptions> Sensors { get; init; } = [];
}
