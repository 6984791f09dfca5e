using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Polling;

/// <summary>
/// What every poller of a bus shares: the wall-clock <see cref="PollSchedule"/>, the loop that runs it, the devices
/// with their circuits as health shows them, and the appends under the <see cref="BufferRefusals"/> policy (a
/// refused batch is counted as dropped on its devices, never reported as a failed poll). A subclass says what one
/// wake-up reads (<see cref="PollDueAsync"/>).
/// </summary>
public abstract partial class BusPoller : IPoller, IDisposable
{
    private readonly IReadingSink sink;
    private readonly BufferRefusals refusals;
    private readonly string description;

    /// <param name="name">The bus name, as health shows it.</param>
    /// <param name="description">The bus as log lines name it: <c>Modbus bus roof</c>.</param>
    /// <param name="sink">Where the readings go.</param>
    /// <param name="timeProvider">The clock of the schedule.</param>
    /// <param name="logger">Where failures go.</param>
    protected BusPoller(string name, string description, IReadingSink sink, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        Name = name;
        this.description = description;
        this.sink = sink;
        TimeProvider = timeProvider;
        Logger = logger;
        refusals = new BufferRefusals(description, timeProvider, logger);
        Progress = new LoopProgress(description, timeProvider);
    }

    /// <summary>The bus name.</summary>
    public string Name { get; }

    /// <summary>The poll loop's promise to come round again, for the watchdog.</summary>
    public LoopProgress Progress { get; }

    /// <summary>When the next poll is due.</summary>
    public DateTimeOffset NextDue => Schedule.NextDue;

    /// <summary>Every device of the bus, whether it answers and how many of its readings were dropped, for the health endpoint.</summary>
    public IEnumerable<DeviceStatus> DeviceStatuses => Devices.Select(d => d.StatusOn(Name));

    /// <summary>The entries this poller reads at their ticks.</summary>
    protected PollSchedule Schedule { get; } = new();

    protected TimeProvider TimeProvider { get; }

    protected ILogger Logger { get; }

    /// <summary>The devices of the bus, in the order of the site file.</summary>
    protected abstract IReadOnlyList<PolledDevice> Devices { get; }

    /// <summary>Whether device <paramref name="deviceName"/> answers, for health and tests.</summary>
    /// <exception cref="KeyNotFoundException">No device of that name is on this bus.</exception>
    public DeviceState StateOf(string deviceName) =>
        Devices.FirstOrDefault(d => d.Name == deviceName)?.Circuit.State ?? throw new KeyNotFoundException(deviceName);

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled; failures are logged, never thrown.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        PollLoop.RunAsync(Schedule, TimeProvider, async token => await PollDueAsync(token).ConfigureAwait(false), exception => LogPollFailed(Logger, exception, description), Progress, cancellationToken);

    /// <summary>Reads every device and point once, now, whatever their schedule; returns how many readings the sink took.</summary>
    public ValueTask<int> PollEverythingNowAsync(CancellationToken cancellationToken)
    {
        Schedule.MakeAllDue(TimeProvider.GetUtcNow());
        return PollDueAsync(cancellationToken);
    }

    /// <summary>Reads everything due now; returns how many readings the buffer took.</summary>
    public abstract ValueTask<int> PollDueAsync(CancellationToken cancellationToken);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the bus' readers or connections without blocking; the default closes them as <see cref="Dispose(bool)"/> does.</summary>
    protected virtual ValueTask DisposeAsyncCore()
    {
        Dispose(disposing: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the bus' readers or connections.</summary>
    protected abstract void Dispose(bool disposing);

    /// <summary>Appends the readings of one device; returns how many the buffer took (0 when it refused them, counted as dropped on <paramref name="device"/>).</summary>
    protected async ValueTask<int> AppendAsync(PolledDevice device, ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (readings.IsEmpty)
        {
            return 0;
        }

        if (await refusals.TryAppendAsync(sink, readings, cancellationToken).ConfigureAwait(false))
        {
            return readings.Length;
        }

        device.CountDropped(readings.Length);
        return 0;
    }

    /// <summary>
    /// Appends a batch of several devices' readings; false when the buffer refused it, in which case the caller counts
    /// each device's share as dropped (<see cref="PolledDevice.CountDropped"/>).
    /// </summary>
    protected ValueTask<bool> TryAppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken) =>
        refusals.TryAppendAsync(sink, readings, cancellationToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Bus}: a poll failed; the next tick is polled as scheduled")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string bus);
}
