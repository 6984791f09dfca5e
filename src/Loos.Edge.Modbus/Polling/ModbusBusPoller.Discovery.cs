using Loos.Edge.Core;
using Loos.Edge.Modbus.Points;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Modbus.Polling;

/// <summary>
/// The discovery part of a bus poller: a device whose points are discovered (<c>sunspec: true</c>) is mapped at its
/// first due tick over the bus's own connections, each request waiting its turn on the bus arbiter; a failed
/// discovery waits the device's back-off, a successful one is installed between two cycles.
/// </summary>
internal sealed partial class ModbusBusPoller
{
    // Runs between cycles only, so no device is writing into the arrays being replaced.
    private void InstallDiscovered()
    {
        foreach (var (d, groups, tick) in discovered)
        {
            devices[d].Install(groups, AddEntries(groups, tick), catalog);
        }

        discovered.Clear();
        due = new DueEntry[Schedule.Count];
        dueTicks = new DateTimeOffset[Schedule.Count];
        readings = new Reading[devices.Sum(d => d.PointCount)];
    }

    private async ValueTask DiscoverAsync(ModbusPolledDevice device, int deviceIndex, DateTimeOffset tick, DateTimeOffset now, CancellationToken cancellationToken)
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
                LogDeviceOffline(Logger, Name, device.Plan.Name, device.Plan.UnitId, result.Outcome.ToString()!, device.Circuit.Backoff);
            }
        }
        else if (device.Circuit.RecordAnswer())
        {
            LogDeviceOnline(Logger, Name, device.Plan.Name, device.Plan.UnitId);
        }

        if (!result.IsSuccess)
        {
            device.DiscoveryCircuit.RecordTimeout(now);
            LogDiscoveryFailed(Logger, Name, device.Plan.Name, device.Plan.UnitId, result.Error!, device.DiscoveryCircuit.Backoff);
            return;
        }

        device.DiscoveryCircuit.RecordAnswer();
        LogDiscovered(Logger, Name, device.Plan.Name, device.Plan.UnitId, result.Summary ?? $"{result.Points.Count} points");
        lock (discovered)
        {
            discovered.Add((deviceIndex, groups, tick));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Modbus bus {Bus}: device {Device} (unit {UnitId}) discovered: {Summary}")]
    private static partial void LogDiscovered(ILogger logger, string bus, string device, byte unitId, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Modbus bus {Bus}: device {Device} (unit {UnitId}) could not be mapped ({Error}); tried again in {Backoff}")]
    private static partial void LogDiscoveryFailed(ILogger logger, string bus, string device, byte unitId, string error, TimeSpan backoff);

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
