using Loos.Edge.Core;
namespace Loos.Edge.Gpio;

/// <summary>Checks the <c>gpio</c> section at start, reporting every problem with its key path.</summary>
public static class GpioOptionsValidator
{
    /// <summary>Every problem in <paramref name="options"/>, each starting with its key path (e.g. <c>gpio:pulseCounters:0:pin: …</c>); empty when valid.</summary>
    public static ConfigurationProblems Check(GpioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Drivers.GpioDrivers.Check(options);
        problems.AddRange(Pulses.PulseCounterOptionsValidator.Check(options));
        problems.AddRange(Sensors.SensorOptionsValidator.Check(options));
        return problems;
    }
}
