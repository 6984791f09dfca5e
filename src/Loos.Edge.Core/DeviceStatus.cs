namespace Loos.Edge.Core;

/// <summary>Whether one field device (polled, or commanded) answers, as the health endpoint shows it.</summary>
/// <param name="Bus">The bus (serial line, TCP endpoint or gateway) from the site file.</param>
/// <param name="Device">The device's name from the site file.</param>
/// <param name="Answering">False once the device is backed off after unanswered polls.</param>
/// <param name="DroppedReadings">Readings of the device the buffer refused and the source did not keep.</param>
/// <param name="State">A state more precise than online/offline (a lighting circuit <c>not-following</c>), or null.</param>
/// <param name="Detail">What a person should know about that state (the last level reported, why the clock is not trusted), or null.</param>
/// <param name="BackedOff">True while the gateway backs the device off (a polled device that stopped answering is probed only once per back-off).</param>
public sealed record DeviceStatus(string Bus, string Device, bool Answering, long DroppedReadings = 0, string? State = null, string? Detail = null, bool BackedOff = false);

/// <summary>Reads the states of the devices one kind of source polls.</summary>
public interface IDeviceMonitor
{
    IReadOnlyList<DeviceStatus> GetDevices();
}

/// <summary>Whether the gateway's connection to its MQTT broker is up; implemented by the MQTT module, read by the self-metrics.</summary>
public interface IBrokerConnectionMonitor
{
    /// <summary>True while the connection to the broker is established.</summary>
    bool IsConnected { get; }
}
