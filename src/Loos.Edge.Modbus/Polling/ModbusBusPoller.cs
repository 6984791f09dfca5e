using System.Diagnostics.CodeAnalysis;
using Loos.Edge.Core;
using Loos.Edge.Modbus.Points;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Modbus.Polling;

/// <summary>
/// Polls the devices of one bus on their wall-clock schedule and appends one batch of readings per wake-up. Readings
/// carry the aligned tick they stand for (a 15 min point read at 10:15:00.4 is stamped 10:15:00), so series line up
/// across devices and gateways in Grafana. A value that could not be read yields a <see cref="Quality.Stale"/>
/// reading (NaN), never an old value again. A device that does not answer gets no more bus time this wake-up (so
/// it costs the others at most one response timeout), and is backed off by its <see cref="DeviceCircuit"/>; an
/// exception reply or an invalid reply spoils only its own block. A device whose points are discovered
/// (<see cref="DevicePlan.Discovery"/>) is mapped at its first due tick, over the bus's own connections and through
/// the bus arbiter; a failed discovery is tried again on the device's back-off, and a successful one is polled at
/// once, stamped with the tick of the discovery. A batch the buffer refuses is counted as dropped on its devices.
/// </summary>
internal sealed partial class ModbusBusPoller : BusPoller
{
    private readonly BusPlan plan;
    private readonly IModbusClient[] clients;
    private readonly BusArbiter arbiter;
    private readonly ModbusPolledDevice[] devices;
    private readonly IModbusDeviceDiscovery? discovery;
    private readonly ISeriesCatalog catalog;
    private readonly List<(int Device, IReadOnlyList<PointGroup> Groups, DateTimeOffset Tick)> discovered = [];
    private DueEntry[] due;
    private DateTimeOffset[] dueTicks;
    private Reading[] readings;
    private int rotation;

    /// <exception cref="ArgumentException">A device of <paramref name="plan"/> is discovered but no <paramref name="discovery"/> is given.</exception>
    public ModbusBusPoller(
        BusPlan plan,
        IReadOnlyList<IModbusClient> clients,
        IReadingSink sink,
        ISeriesCatalog catalog,
        TimeProvider timeProvider,
        ILogger logger,
        IModbusDeviceDiscovery? discovery = null)
        : base((plan ?? throw new ArgumentNullException(nameof(plan))).Options.Name, "Modbus bus " + plan.Options.Name, sink, timeProvider, logger)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentOutOfRangeException.ThrowIfLessThan(clients.Count, 1);
        if (discovery is null && plan.Devices.FirstOrDefault(d => d.Discovery is not null) is { } undiscoverable)
        {
            throw new ArgumentException($"Device {undiscoverable.Name} of bus {plan.Options.Name} is discovered (sunspec: true), but no discovery is registered.", nameof(discovery));
        }

        this.plan = plan;
        this.discovery = discovery;
        this.catalog = catalog;
        this.clients = [.. clients];
        var options = plan.Options;
        arbiter = new BusArbiter(options.Name, this.clients.Length, options.QuietTime, timeProvider);
        var circuitOptions = new DeviceCircuitOptions
        {
            OfflineAfterTimeouts = options.OfflineAfterTimeouts,
            InitialBackoff = options.InitialBackoff,
            MaxBackoff = options.MaxBackoff,
        };
        // A failed discovery waits a back-off at once: it costs several requests, unlike one poll.
        var discoveryOptions = new DeviceCircuitOptions
        {
            OfflineAfterTimeouts = 1,
            InitialBackoff = options.InitialBackoff,
            MaxBackoff = options.MaxBackoff,
        };
        var now = TimeProvider.GetUtcNow();
        devices = new ModbusPolledDevice[plan.Devices.Count];
        for (var d = 0; d < plan.Devices.Count; d++)
        {
            var device = plan.Devices[d];
            devices[d] = new ModbusPolledDevice(device, new DeviceCircuit(circuitOptions), catalog, AddEntries(device.Groups, now));
            if (device.Discovery is not null)
            {
                devices[d].DiscoveryCircuit = new DeviceCircuit(discoveryOptions);
                devices[d].DiscoveryEntry = Schedule.Add(device.Interval, now);
            }
        }

        due = new DueEntry[Schedule.Count];
        dueTicks = new DateTimeOffset[Schedule.Count];
        readings = new Reading[devices.Sum(d => d.PointCount)];
    }

    protected override IReadOnlyList<PolledDevice> Devices => devices;

    /// <summary>
    /// Polls everything due now and appends the readings in one batch; returns how many readings the buffer took.
    /// Devices take turns going first from one wake-up to the next.
    /// </summary>
    public override async ValueTask<int> PollDueAsync(CancellationToken cancellationToken)
    {
        var now = TimeProvider.GetUtcNow();
        var dueCount = Schedule.TakeDue(now, due);
        if (dueCount == 0)
        {
            return 0;
        }

        Array.Fill(dueTicks, DateTimeOffset.MinValue);
        for (var i = 0; i < dueCount; i++)
        {
            dueTicks[due[i].Entry] = due[i].Tick;
        }

        var written = 0;
        var first = rotation++ % Math.Max(1, devices.Length);
        if (clients.Length == 1)
        {
            for (var i = 0; i < devices.Length; i++)
            {
                var d = (first + i) % devices.Length;
                var before = written;
                written = await PollDeviceAsync(d, now, written, cancellationToken).ConfigureAwait(false);
                devices[d].CycleReadings = written - before;
            }
        }
        else
        {
            written = await PollDevicesConcurrentlyAsync(first, now, cancellationToken).ConfigureAwait(false);
        }

        if (written > 0 && !await TryAppendAsync(readings.AsMemory(0, written), cancellationToken).ConfigureAwait(false))
        {
            foreach (var device in devices)
            {
                device.CountDropped(device.CycleReadings);
            }

            written = 0;
        }

        if (discovered.Count > 0)
        {
            // The new points are due at the discovery's tick: polled now, as their own batch.
            InstallDiscovered();
            written += await PollDueAsync(cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    private int[] AddEntries(IReadOnlyList<PointGroup> groups, DateTimeOffset now)
    {
        var groupEntries = new int[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            groupEntries[g] = Schedule.Add(groups[g].Interval, now);
        }

        return groupEntries;
    }

    // A gateway that takes several requests at once: each device polls into its own part of the reading array.
    private async ValueTask<int> PollDevicesConcurrentlyAsync(int first, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tasks = new Task<int>[devices.Length];
        var offsets = new int[devices.Length];
        var offset = 0;
        for (var d = 0; d < devices.Length; d++)
        {
            offsets[d] = offset;
            offset += devices[d].PointCount;
        }

        for (var i = 0; i < devices.Length; i++)
        {
            var d = (first + i) % devices.Length;
            tasks[d] = PollDeviceAsync(d, now, offsets[d], cancellationToken).AsTask();
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        var written = 0;
        for (var d = 0; d < devices.Length; d++)
        {
            var count = tasks[d].Result - offsets[d];
            devices[d].CycleReadings = count;
            readings.AsSpan(offsets[d], count).CopyTo(readings.AsSpan(written));
            written += count;
        }

        return written;
    }

    private async ValueTask<int> PollDeviceAsync(int deviceIndex, DateTimeOffset now, int written, CancellationToken cancellationToken)
    {
        var device = devices[deviceIndex];
        if (device.DiscoveryEntry >= 0 && !device.IsDiscovered && dueTicks[device.DiscoveryEntry] is var discoveryTick && discoveryTick != DateTimeOffset.MinValue)
        {
            await DiscoverAsync(device, deviceIndex, discoveryTick, now, cancellationToken).ConfigureAwait(false);
            return written;
        }

        var shouldPoll = device.Circuit.ShouldPoll(now, out _);
        var answered = false;
        var timedOut = !shouldPoll;
        for (var g = 0; g < device.Plan.Groups.Count; g++)
        {
            var tick = dueTicks[device.GroupEntries[g]];
            if (tick == DateTimeOffset.MinValue)
            {
                continue;
            }

            // All blocks of the group are read before any is decoded: a point may take its scale factor from another block.
            var group = device.Plan.Groups[g];
            var blockRead = device.BlockRead[g];
            for (var b = 0; b < group.Blocks.Count; b++)
            {
                var block = group.Blocks[b];
                blockRead[b] = false;
                if (timedOut)
                {
                    continue;
                }

                var outcome = await ReadBlockAsync(device, g, b, tick, cancellationToken).ConfigureAwait(false);
                if (outcome.IsSuccess)
                {
                    blockRead[b] = true;
                    answered = true;
                    if (device.MarkBlock(g, b, failing: false))
                    {
                        LogBlockRecovered(Logger, Name, device.Plan.Name, block.Table, block.Address, block.Count);
                    }
                }
                else if (outcome.Kind is ModbusOutcomeKind.Timeout or ModbusOutcomeKind.ConnectionFailed)
                {
                    // No answer: the rest of this device waits for the next tick, so a dead unit costs the bus one timeout.
                    timedOut = true;
                    if (device.Circuit.RecordTimeout(now))
                    {
                        LogDeviceOffline(Logger, Name, device.Plan.Name, device.Plan.UnitId, outcome.ToString(), device.Circuit.Backoff);
                    }
                }
                else
                {
                    // The device answered, but not with this block's values: only this block is stale.
                    answered = true;
                    if (device.MarkBlock(g, b, failing: true))
                    {
                        LogBlockFailed(Logger, Name, device.Plan.Name, block.Table, block.Address, block.Count, outcome.ToString());
                    }
                }

                if (answered && device.Circuit.RecordAnswer())
                {
                    LogDeviceOnline(Logger, Name, device.Plan.Name, device.Plan.UnitId);
                }
            }

            for (var b = 0; b < group.Blocks.Count; b++)
            {
                written = blockRead[b] ? device.Decode(g, b, tick, readings, written) : WriteStale(device, g, group.Blocks[b], tick, written);
            }
        }

        return written;
    }

    private async ValueTask<ModbusOutcome> ReadBlockAsync(ModbusPolledDevice device, int group, int block, DateTimeOffset tick, CancellationToken cancellationToken)
    {
        var plan = device.Plan.Groups[group].Blocks[block];
        var lease = await arbiter.AcquireAsync(tick, cancellationToken).ConfigureAwait(false);
        try
        {
            var client = clients[lease.Slot];
            return plan.IsBits
                ? await client.ReadBitsAsync(device.Plan.UnitId, plan.Table == PointTable.Coils ? BitTable.Coils : BitTable.DiscreteInputs, plan.Address, device.BitBuffers[group][block], cancellationToken).ConfigureAwait(false)
                : await client.ReadRegistersAsync(device.Plan.UnitId, plan.Table == PointTable.HoldingRegisters ? RegisterTable.Holding : RegisterTable.Input, plan.Address, device.RegisterBuffers[group][block], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lease.Dispose();
        }
    }

    private int WriteStale(ModbusPolledDevice device, int group, ReadBlock block, DateTimeOffset tick, int written)
    {
        var ids = device.SeriesIds[group];
        var emitted = device.Plan.Groups[group].EmittedCount;
        var members = block.Points;
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i] < emitted)
            {
                readings[written++] = new Reading(ids[members[i]], tick, double.NaN, Quality.Stale);
            }
        }

        return written;
    }

    [SuppressMessage("Usage", "CA2215:Dispose methods should call base class dispose", Justification = "The base's default only forwards to Dispose(bool), which closes the same connections.")]
    protected override async ValueTask DisposeAsyncCore()
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    // The connections close at once; a caller that cannot await still closes them.
    protected override void Dispose(bool disposing) => DisposeAsyncCore().AsTask().GetAwaiter().GetResult();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Modbus bus {Bus}: device {Device} (unit {UnitId}) stopped answering ({Outcome}); its points are stale, probed again in {Backoff}")]
    private static partial void LogDeviceOffline(ILogger logger, string bus, string device, byte unitId, string outcome, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Modbus bus {Bus}: device {Device} (unit {UnitId}) answers again")]
    private static partial void LogDeviceOnline(ILogger logger, string bus, string device, byte unitId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Modbus bus {Bus}: device {Device} refuses {Table} {Address}+{Count} ({Outcome}); those points are stale, the others are still read")]
    private static partial void LogBlockFailed(ILogger logger, string bus, string device, PointTable table, ushort address, int count, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Modbus bus {Bus}: device {Device} answers {Table} {Address}+{Count} again")]
    private static partial void LogBlockRecovered(ILogger logger, string bus, string device, PointTable table, ushort address, int count);

}
