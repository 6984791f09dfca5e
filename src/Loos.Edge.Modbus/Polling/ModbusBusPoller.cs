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
/// once, stamped with the tick of the discovery.
/// </summary>
internal sealed partial class ModbusBusPoller : IAsyncDisposable
{
    private readonly BusPlan plan;
    private readonly IModbusClient[] clients;
    private readonly IReadingSink sink;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly BusArbiter arbiter;
    private readonly PollSchedule schedule = new();
    private readonly PolledDevice[] devices;
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
    {
        ArgumentNullException.ThrowIfNull(plan);
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
        this.sink = sink;
        this.timeProvider = timeProvider;
        this.logger = logger;
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
        var now = timeProvider.GetUtcNow();
        devices = new PolledDevice[plan.Devices.Count];
        for (var d = 0; d < plan.Devices.Count; d++)
        {
            var device = plan.Devices[d];
            devices[d] = new PolledDevice(device, new DeviceCircuit(circuitOptions), catalog, AddEntries(device.Groups, now));
            if (device.Discovery is not null)
            {
                devices[d].DiscoveryCircuit = new DeviceCircuit(discoveryOptions);
                devices[d].DiscoveryEntry = schedule.Add(device.Interval, now);
            }
        }

        due = new DueEntry[schedule.Count];
        dueTicks = new DateTimeOffset[schedule.Count];
        readings = new Reading[devices.Sum(d => d.PointCount)];
    }

    /// <summary>The bus name.</summary>
    public string Name => plan.Options.Name;

    /// <summary>When the next poll is due.</summary>
    public DateTimeOffset NextDue => schedule.NextDue;

    /// <summary>Every device of the bus and whether it answers, for the health endpoint.</summary>
    public IEnumerable<DeviceStatus> DeviceStatuses =>
        devices.Select(d => new DeviceStatus(Name, d.Plan.Name, d.Circuit.State == DeviceState.Online));

    /// <summary>Whether device <paramref name="deviceName"/> is answering, for health and tests.</summary>
    public DeviceState StateOf(string deviceName) =>
        Array.Find(devices, d => d.Plan.Name == deviceName)?.Circuit.State ?? throw new KeyNotFoundException(deviceName);

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled; failures are logged, never thrown.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        PollLoop.RunAsync(schedule, timeProvider, async token => await PollDueAsync(token).ConfigureAwait(false), exception => LogPollFailed(logger, exception, Name), cancellationToken);

    /// <summary>
    /// Polls everything due now and appends the readings in one batch; returns how many readings were appended.
    /// Devices take turns going first from one wake-up to the next.
    /// </summary>
    /// <exception cref="BufferFullException">The sink refused the batch.</exception>
    public async ValueTask<int> PollDueAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var dueCount = schedule.TakeDue(now, due);
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
                written = await PollDeviceAsync((first + i) % devices.Length, now, written, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            written = await PollDevicesConcurrentlyAsync(first, now, cancellationToken).ConfigureAwait(false);
        }

        if (written > 0)
        {
            await sink.AppendAsync(readings.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
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
            groupEntries[g] = schedule.Add(groups[g].Interval, now);
        }

        return groupEntries;
    }

    // Runs between cycles only, so no device is writing into the arrays being replaced.
    private void InstallDiscovered()
    {
        foreach (var (d, groups, tick) in discovered)
        {
            devices[d].Install(groups, AddEntries(groups, tick), catalog);
        }

        discovered.Clear();
        due = new DueEntry[schedule.Count];
        dueTicks = new DateTimeOffset[schedule.Count];
        readings = new Reading[devices.Sum(d => d.PointCount)];
    }

    private async ValueTask DiscoverAsync(PolledDevice device, int deviceIndex, DateTimeOffset tick, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var request = device.Plan.Discovery!;
        if (!device.DiscoveryCircuit!.ShouldPoll(now, out _))
        {
            return;
        }

        ModbusDiscoveryResult result;
        IReadOnlyList<PointGroup> groups = [];
        try
        {
            result = await discovery!.DiscoverAsync(new ArbitratedClient(this, tick), request, cancellationToken).ConfigureAwait(false);
            if (result.IsSuccess && result.Points.Count == 0)
            {
                result = ModbusDiscoveryResult.Failed("the device's map holds no point to poll in the chosen models");
            }
            else if (result.IsSuccess)
            {
                groups = ModbusPlanner.Group(result.Points, device.Plan.MaxRegistersPerRequest, device.Plan.MaxGapRegisters);
            }
        }
        catch (ArgumentException exception)
        {
            result = ModbusDiscoveryResult.Failed(exception.Message);
        }

        if (result.IsNoAnswer)
        {
            if (device.Circuit.RecordTimeout(now))
            {
                LogDeviceOffline(logger, Name, device.Plan.Name, device.Plan.UnitId, result.Outcome.ToString()!, device.Circuit.Backoff);
            }
        }
        else if (device.Circuit.RecordAnswer())
        {
            LogDeviceOnline(logger, Name, device.Plan.Name, device.Plan.UnitId);
        }

        if (!result.IsSuccess)
        {
            device.DiscoveryCircuit.RecordTimeout(now);
            LogDiscoveryFailed(logger, Name, device.Plan.Name, device.Plan.UnitId, result.Error!, device.DiscoveryCircuit.Backoff);
            return;
        }

        device.DiscoveryCircuit.RecordAnswer();
        LogDiscovered(logger, Name, device.Plan.Name, device.Plan.UnitId, result.Summary ?? $"{result.Points.Count} points");
        lock (discovered)
        {
            discovered.Add((deviceIndex, groups, tick));
        }
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
                        LogBlockRecovered(logger, Name, device.Plan.Name, block.Table, block.Address, block.Count);
                    }
                }
                else if (outcome.Kind is ModbusOutcomeKind.Timeout or ModbusOutcomeKind.ConnectionFailed)
                {
                    // No answer: the rest of this device waits for the next tick, so a dead unit costs the bus one timeout.
                    timedOut = true;
                    if (device.Circuit.RecordTimeout(now))
                    {
                        LogDeviceOffline(logger, Name, device.Plan.Name, device.Plan.UnitId, outcome.ToString(), device.Circuit.Backoff);
                    }
                }
                else
                {
                    // The device answered, but not with this block's values: only this block is stale.
                    answered = true;
                    if (device.MarkBlock(g, b, failing: true))
                    {
                        LogBlockFailed(logger, Name, device.Plan.Name, block.Table, block.Address, block.Count, outcome.ToString());
                    }
                }

                if (answered && device.Circuit.RecordAnswer())
                {
                    LogDeviceOnline(logger, Name, device.Plan.Name, device.Plan.UnitId);
                }
            }

            for (var b = 0; b < group.Blocks.Count; b++)
            {
                written = blockRead[b] ? device.Decode(g, b, tick, readings, written) : WriteStale(device, g, group.Blocks[b], tick, written);
            }
        }

        return written;
    }

    private async ValueTask<ModbusOutcome> ReadBlockAsync(PolledDevice device, int group, int block, DateTimeOffset tick, CancellationToken cancellationToken)
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

    private int WriteStale(PolledDevice device, int group, ReadBlock block, DateTimeOffset tick, int written)
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

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Modbus bus {Bus}: device {Device} (unit {UnitId}) stopped answering ({Outcome}); its points are stale, probed again in {Backoff}")]
    private static partial void LogDeviceOffline(ILogger logger, string bus, string device, byte unitId, string outcome, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Modbus bus {Bus}: device {Device} (unit {UnitId}) answers again")]
    private static partial void LogDeviceOnline(ILogger logger, string bus, string device, byte unitId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Modbus bus {Bus}: device {Device} refuses {Table} {Address}+{Count} ({Outcome}); those points are stale, the others are still read")]
    private static partial void LogBlockFailed(ILogger logger, string bus, string device, PointTable table, ushort address, int count, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Modbus bus {Bus}: device {Device} answers {Table} {Address}+{Count} again")]
    private static partial void LogBlockRecovered(ILogger logger, string bus, string device, PointTable table, ushort address, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Modbus bus {Bus}: device {Device} (unit {UnitId}) discovered: {Summary}")]
    private static partial void LogDiscovered(ILogger logger, string bus, string device, byte unitId, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Modbus bus {Bus}: device {Device} (unit {UnitId}) could not be mapped ({Error}); tried again in {Backoff}")]
    private static partial void LogDiscoveryFailed(ILogger logger, string bus, string device, byte unitId, string error, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Error, Message = "Modbus bus {Bus}: a poll failed; the next tick is polled as scheduled")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string bus);

    /// <summary>Buffers, series ids and health of one device, allocated once (and again when its points are discovered).</summary>
    private sealed class PolledDevice
    {
        private bool[][] failingBlocks = [];

        public PolledDevice(DevicePlan plan, DeviceCircuit circuit, ISeriesCatalog catalog, int[] groupEntries)
        {
            Plan = plan;
            Circuit = circuit;
            Install(plan.Groups, groupEntries, catalog);
        }

        public DevicePlan Plan { get; private set; }

        public DeviceCircuit Circuit { get; }

        /// <summary>The back-off of a device whose discovery failed; null for a device with a static plan.</summary>
        public DeviceCircuit? DiscoveryCircuit { get; set; }

        /// <summary>The schedule entry at which a pending discovery is tried; -1 without discovery.</summary>
        public int DiscoveryEntry { get; set; } = -1;

        public bool IsDiscovered => Plan.Groups.Count > 0;

        /// <summary>The schedule entry of each group.</summary>
        public int[] GroupEntries { get; private set; } = [];

        public int PointCount { get; private set; }

        public SeriesId[][] SeriesIds { get; private set; } = [];

        public Memory<ushort>[][] RegisterBuffers { get; private set; } = [];

        public Memory<bool>[][] BitBuffers { get; private set; } = [];

        /// <summary>Whether each block was read in the current cycle.</summary>
        public bool[][] BlockRead { get; private set; } = [];

        // Per group and point: the block holding the point's scale factor register (-1 for none) and its offset there.
        private int[][] scaleFactorBlocks = [];
        private int[][] scaleFactorOffsets = [];

        public void Install(IReadOnlyList<PointGroup> groups, int[] groupEntries, ISeriesCatalog catalog)
        {
            Plan = Plan with { Groups = groups };
            GroupEntries = groupEntries;
            SeriesIds = [.. groups.Select(g => g.Points.Take(g.EmittedCount).Select(p => catalog.Intern(p.Series)).ToArray())];
            RegisterBuffers = [.. groups.Select(g => g.Blocks.Select(b => b.IsBits ? Memory<ushort>.Empty : new ushort[b.Count]).ToArray())];
            BitBuffers = [.. groups.Select(g => g.Blocks.Select(b => b.IsBits ? new bool[b.Count] : Memory<bool>.Empty).ToArray())];
            BlockRead = [.. groups.Select(g => new bool[g.Blocks.Count])];
            failingBlocks = [.. groups.Select(g => new bool[g.Blocks.Count])];
            PointCount = groups.Sum(g => g.EmittedCount);
            scaleFactorBlocks = [.. groups.Select(g => g.Points.Select(p => FindBlock(g, p)).ToArray())];
            scaleFactorOffsets = [.. groups.Select(g => g.Points.Select(p => FindBlock(g, p) is var b and >= 0 ? p.ScaleFactorAddress!.Value - g.Blocks[b].Address : 0).ToArray())];
        }

        private static int FindBlock(PointGroup group, ModbusPoint point)
        {
            if (point.ScaleFactorAddress is not { } address)
            {
                return -1;
            }

            for (var b = 0; b < group.Blocks.Count; b++)
            {
                var block = group.Blocks[b];
                if (block.Table == point.Table && address >= block.Address && address < block.Address + block.Count)
                {
                    return b;
                }
            }

            return -1;
        }

        /// <summary>Records whether a block failed; true when that changed, so it is logged once per change.</summary>
        public bool MarkBlock(int group, int block, bool failing)
        {
            var changed = failingBlocks[group][block] != failing;
            failingBlocks[group][block] = failing;
            return changed;
        }

        public int Decode(int group, int blockIndex, DateTimeOffset tick, Reading[] readings, int written)
        {
            var groupPlan = Plan.Groups[group];
            var block = groupPlan.Blocks[blockIndex];
            var ids = SeriesIds[group];
            if (block.IsBits)
            {
                var bits = BitBuffers[group][blockIndex].Span;
                for (var i = 0; i < block.Points.Count; i++)
                {
                    var index = block.Points[i];
                    var point = groupPlan.Points[index];
                    readings[written++] = new Reading(ids[index], tick, bits[point.RegisterAddress - block.Address] ? 1 : 0);
                }
            }
            else
            {
                var registers = RegisterBuffers[group][blockIndex].Span;
                for (var i = 0; i < block.Points.Count; i++)
                {
                    var index = block.Points[i];
                    if (index >= groupPlan.EmittedCount)
                    {
                        continue;
                    }

                    var point = groupPlan.Points[index];
                    ushort? scaleFactor = null;
                    var scaleFactorBlock = scaleFactorBlocks[group][index];
                    if (scaleFactorBlock >= 0)
                    {
                        // The scale factor of this cycle or none: a previous cycle's could turn a value into a wrong number.
                        if (!BlockRead[group][scaleFactorBlock])
                        {
                            readings[written++] = new Reading(ids[index], tick, double.NaN, Quality.Stale);
                            continue;
                        }

                        scaleFactor = RegisterBuffers[group][scaleFactorBlock].Span[scaleFactorOffsets[group][index]];
                    }

                    readings[written++] = point.TryDecode(registers[(point.RegisterAddress - block.Address)..], scaleFactor, out var value)
                        ? new Reading(ids[index], tick, value)
                        : new Reading(ids[index], tick, double.NaN, Quality.Stale);
                }
            }

            return written;
        }
    }

    /// <summary>The bus's connections as one client for a discovery: each request waits for its turn on the bus.</summary>
    private sealed class ArbitratedClient(ModbusBusPoller poller, DateTimeOffset due) : IModbusClient
    {
        public string Endpoint => poller.clients[0].Endpoint;

        public async ValueTask<ModbusOutcome> ReadRegistersAsync(byte unitId, RegisterTable table, ushort address, Memory<ushort> destination, CancellationToken cancellationToken)
        {
            using var lease = await poller.arbiter.AcquireAsync(due, cancellationToken).ConfigureAwait(false);
            return await poller.clients[lease.Slot].ReadRegistersAsync(unitId, table, address, destination, cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask<ModbusOutcome> ReadBitsAsync(byte unitId, BitTable table, ushort address, Memory<bool> destination, CancellationToken cancellationToken)
        {
            using var lease = await poller.arbiter.AcquireAsync(due, cancellationToken).ConfigureAwait(false);
            return await poller.clients[lease.Slot].ReadBitsAsync(unitId, table, address, destination, cancellationToken).ConfigureAwait(false);
        }

        // A discovery reads a map; it never changes a device.
        public ValueTask<ModbusOutcome> WriteRegistersAsync(byte unitId, ushort address, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A discovery may only read.");

        public ValueTask<ModbusOutcome> WriteCoilsAsync(byte unitId, ushort address, ReadOnlyMemory<bool> values, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A discovery may only read.");

        public ValueTask<ModbusOutcome> ReadWriteRegistersAsync(byte unitId, ushort readAddress, Memory<ushort> destination, ushort writeAddress, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A discovery may only read.");

        // The poller owns the connections.
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
