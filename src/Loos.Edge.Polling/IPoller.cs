using Loos.Edge.Core;

namespace Loos.Edge.Polling;

/// <summary>One poll loop of a <see cref="PollingService{TPoller}"/>: a bus, a line, or a set of counters.</summary>
public interface IPoller : IAsyncDisposable
{
    /// <summary>Its devices as the health endpoint shows them.</summary>
    IEnumerable<DeviceStatus> DeviceStatuses { get; }

    /// <summary>The loop's promise to come round again, for the watchdog.</summary>
    LoopProgress Progress { get; }

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled; failures are logged, never thrown.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
