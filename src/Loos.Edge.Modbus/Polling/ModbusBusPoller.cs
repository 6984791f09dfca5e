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
/// exception reply or an invalid reply spoils only its own block.
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
    private readonly (int Device, int Group)[] entries;
    private readonly DueEntry[] due;
    private readonly DateTimeOffset[] dueTicks;
    private readonly Reading[] readings;
    private int rotation;

    public ModbusBusPoller(BusPlan plan, IReadOnlyList<IModbusClient> clients, IReadingSink sink, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentOutOfRangeException.ThrowIfLessThan(clients.Count, 1);
        this.plan = plan;
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
        var now = timeProvider.GetUtcNow();
        var entryList = new List<(int, int)>();
        var pointCount = 0;
        devices = new PolledDevice[plan.Devices.Count];
        for (var d = 0; d < plan.Devices.Count; d++)
        {
            var device = plan.Devices[d];
            devices[d] = new PolledDevice(device, new DeviceCircuit(circuitOptions), catalog) { FirstEntry = entryList.Count };
            for (var g = 0; g < device.Groups.Count; g++)
            {
                schedule.Add(device.Groups[g].Interval, now);
                entryList.Add((d, g));
                pointCount += device.Groups[g].Points.Count;
            }
        }

        entries = [.. entryList];
        due = new DueEntry[entries.Length];
        dueTicks = new DateTimeOffset[entries.Length];
        readings = new Reading[pointCount];
    }

    /// <summary>The bus name.</summary>
    public string Name => plan.Options.Name;

    /// <summary>When the next poll is due.</summary>
    public DateTimeOffset NextDue => schedule.NextDue;

    /// <summary>Whether device <paramref name="deviceName"/> is answering, for health and tests.</summary>
    public DeviceState StateOf(string deviceName) =>
        Array.Find(devices, d => d.Plan.Name == deviceName)?.Circuit.State ?? throw new KeyNotFoundException(deviceName);

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled; failures are logged, never thrown.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (schedule.Count == 0)
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, cancellationToken).ConfigureAwait(false);
                }

                var wait = schedule.NextDue - timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
                }

                await PollDueAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The schedule has moved on, so a persistent failure is retried at the next tick, not in a tight loop.
                LogPollFailed(logger, exception, Name);
            }
        }
    }

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

        return written;
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
        var shouldPoll = device.Circuit.ShouldPoll(now, out _);
        var answered = false;
        var timedOut = !shouldPoll;
        for (var g = 0; g < device.Plan.Groups.Count; g++)
        {
            var tick = dueTicks[device.FirstEntry + g];
            if (tick == DateTimeOffset.MinValue)
            {
                continue;
            }

            var group = device.Plan.Groups[g];
            for (var b = 0; b < group.Blocks.Count; b++)
            {
                var block = group.Blocks[b];
                if (timedOut)
                {
                    written = WriteStale(device, g, block, tick, written);
                    continue;
                }

                var outcome = await ReadBlockAsync(device, g, b, tick, cancellationToken).ConfigureAwait(false);
                if (outcome.IsSuccess)
                {
                    written = device.Decode(g, b, tick, readings, written);
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
                    written = WriteStale(device, g, block, tick, written);
                    if (device.Circuit.RecordTimeout(now))
                    {
                        LogDeviceOffline(logger, Name, device.Plan.Name, device.Plan.UnitId, outcome.ToString(), device.Circuit.Backoff);
                    }
                }
                else
                {
                    // The device answered, but not with this block's values: only this block is stale.
                    answered = true;
                    written = WriteStale(device, g, block, tick, written);
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
        var members = block.Points;
        for (var i = 0; i < members.Count; i++)
        {
            readings[written++] = new Reading(ids[members[i]], tick, double.NaN, Quality.Stale);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Modbus bus {Bus}: a poll failed; the next tick is polled as scheduled")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string bus);

    /// <summary>Buffers, series ids and health of one device, allocated once.</summary>
    private sealed class PolledDevice
    {
        private readonly bool[][] failingBlocks;

        public PolledDevice(DevicePlan plan, DeviceCircuit circuit, ISeriesCatalog catalog)
        {
            Plan = plan;
            Circuit = circuit;
            var groups = plan.Groups;
            SeriesIds = [.. groups.Select(g => g.Points.Select(p => catalog.Intern(p.Series)).ToArray())];
            RegisterBuffers = [.. groups.Select(g => g.Blocks.Select(b => b.IsBits ? Memory<ushort>.Empty : new ushort[b.Count]).ToArray())];
            BitBuffers = [.. groups.Select(g => g.Blocks.Select(b => b.IsBits ? new bool[b.Count] : Memory<bool>.Empty).ToArray())];
            failingBlocks = [.. groups.Select(g => new bool[g.Blocks.Count])];
            PointCount = groups.Sum(g => g.Points.Count);
        }

        public DevicePlan Plan { get; }

        public DeviceCircuit Circuit { get; }

        public int FirstEntry { get; set; }

        public int PointCount { get; }

        public SeriesId[][] SeriesIds { get; }

        public Memory<ushort>[][] RegisterBuffers { get; }

        public Memory<bool>[][] BitBuffers { get; }

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
                    var point = groupPlan.Points[index];
                    var value = point.Decode(registers[(point.RegisterAddress - block.Address)..]);

                    // A float register holding NaN or infinity is a device saying "not available": no value to store.
                    readings[written++] = double.IsFinite(value) ? new Reading(ids[index], tick, value) : new Reading(ids[index], tick, double.NaN, Quality.Stale);
                }
            }

            return written;
        }
    }
}
