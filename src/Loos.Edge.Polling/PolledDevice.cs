using Loos.Edge.Core;

namespace Loos.Edge.Polling;

/// <summary>
/// One device of a <see cref="BusPoller"/>: its name, its <see cref="DeviceCircuit"/> and the readings of it the
/// buffer refused, as the health endpoint shows them. The circuit belongs to the poll loop; the count may be read
/// from any thread.
/// </summary>
public class PolledDevice(string name, DeviceCircuit circuit)
{
    private long droppedReadings;

    /// <summary>The device's name from the site file.</summary>
    public string Name { get; } = name;

    /// <summary>Whether the device answers, and when it is probed again.</summary>
    public DeviceCircuit Circuit { get; } = circuit;

    /// <summary>Readings of this device the buffer refused (see <see cref="BufferRefusals"/>).</summary>
    public long DroppedReadings => Interlocked.Read(ref droppedReadings);

    /// <summary>Counts <paramref name="count"/> readings of this device as dropped.</summary>
    public void CountDropped(int count) => Interlocked.Add(ref droppedReadings, count);

    /// <summary>The device as the health endpoint shows it, on bus <paramref name="bus"/>.</summary>
    public DeviceStatus StatusOn(string bus) => new(bus, Name, Circuit.State == DeviceState.Online, DroppedReadings, BackedOff: Circuit.State == DeviceState.Offline);
}
