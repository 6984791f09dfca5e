namespace Loos.Edge.Gpio.Pulses;

/// <summary>One S0 pulse counter on a GPIO pin (site file: <c>gpio:pulseCounters[]</c>).</summary>
public sealed class PulseCounterOptions
{
    /// <summary>The counter's name, unique; the <c>device</c> tag of its series.</summary>
    public string Name { get; set; } = string.Empty;
}
