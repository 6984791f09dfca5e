using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Polling;

/// <summary>
/// A bus poller that reads the devices due at a wake-up one after the other, in the order of the site file, each
/// device its own batch stamped with its tick: a slow or silent device delays the others but costs none of them its
/// tick, and a batch the buffer refuses costs only its own device's readings (the next devices are still read: the
/// buffer may have room again by then). Each device is one schedule entry, added in the order of
/// <see cref="BusPoller.Devices"/>.
/// </summary>
public abstract class DeviceByDevicePoller : BusPoller
{
    private DueEntry[] due = [];

    /// <inheritdoc cref="BusPoller(string, string, IReadingSink, TimeProvider, ILogger)"/>
    protected DeviceByDevicePoller(string name, string description, IReadingSink sink, TimeProvider timeProvider, ILogger logger)
        : base(name, description, sink, timeProvider, logger)
    {
    }

    /// <summary>Reads every device due now; returns how many readings the buffer took.</summary>
    public override async ValueTask<int> PollDueAsync(CancellationToken cancellationToken)
    {
        if (due.Length != Schedule.Count)
        {
            due = new DueEntry[Schedule.Count];
        }

        var dueCount = Schedule.TakeDue(TimeProvider.GetUtcNow(), due);
        var written = 0;
        for (var i = 0; i < dueCount; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            written += await PollDeviceAsync(due[i].Entry, due[i].Tick, cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    /// <summary>Reads device <paramref name="device"/> and appends its readings stamped <paramref name="tick"/> (see <see cref="BusPoller.AppendAsync"/>); returns how many the buffer took.</summary>
    protected abstract ValueTask<int> PollDeviceAsync(int device, DateTimeOffset tick, CancellationToken cancellationToken);
}
