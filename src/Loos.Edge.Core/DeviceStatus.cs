namespace Loos.Edge.Core;

/// <summary>Whether one polled field device answers, as the health endpoint shows it.</summary>
/// <param name="Bus">The bus (serial line, TCP endpoint or gateway) from the site file.</param>
/// <param name="Device">The device's name from the site file.</param>
/// <param name="Answering">False once the device is backed off after unanswered polls.</param>
public sealed record DeviceStatus(string Bus, string Device, bool Answering);

/// <summary>Reads the states of the devices one kind of source polls.</summary>
public interface IDeviceMonitor
{
    IReadOnlyList<DeviceStatus> GetDevices();
}
