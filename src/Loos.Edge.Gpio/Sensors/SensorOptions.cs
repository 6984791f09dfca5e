namespace Loos.Edge.Gpio.Sensors;

/// <summary>One 1-Wire or I²C sensor (site file: <c>gpio:sensors[]</c>).</summary>
public sealed class SensorOptions
{
    /// <summary>The sensor's name, unique; the <c>device</c> tag of its series.</summary>
    public string Name { get; set; } = string.Empty;
}
