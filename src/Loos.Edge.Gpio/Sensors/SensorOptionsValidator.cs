using Loos.Edge.Core;

namespace Loos.Edge.Gpio.Sensors;

/// <summary>Checks <c>gpio:sensors</c>.</summary>
public static class SensorOptionsValidator
{
    /// <summary>
    /// Every problem of the sensors, each starting with its key path, for example
    /// <c>gpio:sensors:1:address: 0x76 on I²C bus 1 is also the address of sensor 'flat-12'</c>; empty when valid.
    /// </summary>
    public static ConfigurationProblems Check(GpioOptions options) => ConfigurationProblems.Of(problems => SensorPlanner.Plan(options, problems));
}
