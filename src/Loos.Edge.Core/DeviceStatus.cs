namespace Loos.Edge.Core;

/// <summary>Whether one polled field device answers, as the health endpoint shows it.</summary>
/// <param name="Bus">The bus (serial line, TCP endpoint or gateway) from the site file.</param>
/// <param name="Device">The device's name from the site file.</param>
/// <param name="Answering">False once the device is backed off after unanswered polls.</param>
/// <param name="DroppedReadings">Readings of the device the buffer refused and the source did not keep.</param>
public sealed record DeviceStatus(string Bus, string Device, bool Answering, long DroppedReadings = 0);

/// <summary>Reads the states of the devices one kind of source polls.</summary>
public interface IDeviceMonitor
{
    IReadOnlyList<DeviceStatus> GetDevices();
}
