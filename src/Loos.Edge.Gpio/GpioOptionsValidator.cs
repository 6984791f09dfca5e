namespace Loos.Edge.Gpio;

/// <summary>Checks the <c>gpio</c> section at start, reporting every problem with its key path.</summary>
public static class GpioOptionsValidator
{
    /// <summary>Every problem in <paramref name="options"/>, each starting with its key path (e.g. <c>gpio:pulseCounters:0:pin: …</c>); empty when valid.</summary>
    public static IReadOnlyList<string> Check(GpioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [.. Drivers.GpioDrivers.Check(options), .. Pulses.PulseCounterOptionsValidator.Check(options), .. Sensors.SensorOptionsValidator.Check(options)];
    }
}
