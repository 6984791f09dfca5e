using Loos.Edge.Core;

namespace Loos.Edge.Gpio;

/// <summary>The site file's <c>gpio</c> section: pulse counters on GPIO pins, and 1-Wire and I²C sensors.</summary>
public sealed class GpioOptions
{
    /// <summary>The section's name in the site file.</summary>
    public const string SectionName = "gpio";

    /// <summary>
    /// Where the pulse counters' persisted values live; default <c>pulse-counters/</c> beside the buffer directory
    /// (on a gateway <c>/var/lib/loos-edge/pulse-counters</c>).
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>
    /// Which GPIO driver reads the pins: <c>board</c> (default), the board's own driver chosen by System.Device.Gpio
    /// (libgpiod on a Raspberry Pi), or <c>simulated</c>, a simulation for commissioning, demos and tests whose edges
    /// come from <see cref="SimulatedEdges"/>.
    /// </summary>
    public string Driver { get; set; } = Gpio.Drivers.GpioDrivers.Board;

    /// <summary>
    /// For the <c>simulated</c> driver only: a named pipe (or a file played once) of edge commands such as
    /// <c>17 pulse 10</c>; see the README. None by default.
    /// </summary>
    public string? SimulatedEdges { get; set; }

    /// <summary>S0 pulse counters (energy or water meters' pulse outputs on GPIO pins).</summary>
    public List<Pulses.PulseCounterOptions> PulseCounters { get; init; } = [];

    /// <summary>1-Wire and I²C sensors, each polled on its own interval.</summary>
    public List<Sensors.SensorOptions> Sensors { get; init; } = [];

    /// <summary>Whether the section configures anything.</summary>
    public bool IsEnabled => PulseCounters.Count > 0 || Sensors.Count > 0;

    /// <summary>Makes the section's paths absolute with <paramref name="resolve"/> (relative to the site file).</summary>
    public void ResolvePaths(Func<string?, string?> resolve, string bufferDirectory)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        StateDirectory = string.IsNullOrEmpty(StateDirectory)
            ? DataPaths.BesideBuffer(bufferDirectory, "pulse-counters")
            : resolve(StateDirectory);
        SimulatedEdges = string.IsNullOrEmpty(SimulatedEdges) ? SimulatedEdges : resolve(SimulatedEdges);
    }
}
