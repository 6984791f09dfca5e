using BenchmarkDotNet.Attributes;
using Loos.Edge.Core;
using Loos.Edge.Modbus;
using Loos.Edge.Modbus.Polling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// One poll cycle of a bus in steady state, with an in-memory device answering at once: 50 points in 3 read blocks
/// (20 f32 input registers, 20 f32 input registers further on, 10 scaled u16 holding registers) decoded into readings
/// and appended to a sink that keeps nothing. Allocated is per cycle; the target is 0 B besides the sink's own append.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class ModbusPollCycleBenchmarks
{
    private readonly SteppingClock clock = new();
    private ModbusBusPoller poller = null!;
    private InMemoryDevice device = null!;

    [GlobalSetup]
    public void Setup()
    {
        var meter = new ModbusDeviceOptions { Name = "meter", UnitId = 1, Interval = TimeSpan.FromSeconds(10), Tags = { ["building"] = "bench" } };
        for (var i = 0; i < 20; i++)
        {
            meter.Points.Add(new ModbusPointOptions { Name = $"a{i}", Table = "input", Address = i * 2, Type = "f32" });
            meter.Points.Add(new ModbusPointOptions { Name = $"b{i}", Table = "input", Address = 200 + (i * 2), Type = "f32", Order = "CDAB" });
        }

        for (var i = 0; i < 10; i++)
        {
            meter.Points.Add(new ModbusPointOptions { Name = $"c{i}", Table = "holding", Address = i, Type = "i16", Scale = 0.1 });
        }

        var bus = new ModbusBusOptions { Name = "bench", Kind = "tcp", Host = "127.0.0.1", Devices = { meter } };
        var problems = new ConfigurationProblems();
        var plan = ModbusPlanner.Plan(new ModbusOptions { Buses = { bus } }, problems).Single();
        if (problems.Count > 0 || plan.Devices[0].Groups.Sum(g => g.Blocks.Count) != 3)
        {
            throw new InvalidOperationException("The benchmark bus should be 50 points in 3 blocks: " + string.Join("; ", problems));
        }

        device = new InMemoryDevice();
        poller = new ModbusBusPoller(plan, [device], new DiscardingSink(), new SeriesCatalog(), clock, NullLogger.Instance);
    }

    /// <summary>A full cycle: 3 requests, 50 good readings.</summary>
    [Benchmark(Baseline = true)]
    public int PollCycle()
    {
        device.FailHolding = false;
        return Poll();
    }

    /// <summary>A cycle where the holding block gets an exception reply: 40 good and 10 stale readings.</summary>
    [Benchmark]
    public int PollCycleWithExceptionReply()
    {
        device.FailHolding = true;
        return Poll();
    }

    private int Poll()
    {
        clock.Now += TimeSpan.FromSeconds(10);
        var cycle = poller.PollDueAsync(CancellationToken.None);
        return cycle.IsCompletedSuccessfully ? cycle.Result : cycle.AsTask().GetAwaiter().GetResult();
    }

    private sealed class SteppingClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 3, 14, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class DiscardingSink : IReadingSink
    {
        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }

    private sealed class InMemoryDevice : IModbusClient
    {
        private static readonly ModbusOutcome IllegalAddress = new(ModbusOutcomeKind.DeviceException, 2);

        public bool FailHolding { get; set; }

        public string Endpoint => "memory://";

        public ValueTask<ModbusOutcome> ReadRegistersAsync(byte unitId, RegisterTable table, ushort address, Memory<ushort> destination, CancellationToken cancellationToken)
        {
            if (FailHolding && table == RegisterTable.Holding)
            {
                return ValueTask.FromResult(IllegalAddress);
            }

            var span = destination.Span;
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (ushort)(0x4000 + address + i);
            }

            return ValueTask.FromResult(ModbusOutcome.Success);
        }

        public ValueTask<ModbusOutcome> ReadBitsAsync(byte unitId, BitTable table, ushort address, Memory<bool> destination, CancellationToken cancellationToken) =>
            ValueTask.FromResult(ModbusOutcome.Success);

        public ValueTask<ModbusOutcome> WriteRegistersAsync(byte unitId, ushort address, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask<ModbusOutcome> WriteCoilsAsync(byte unitId, ushort address, ReadOnlyMemory<bool> values, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask<ModbusOutcome> ReadWriteRegistersAsync(byte unitId, ushort readAddress, Memory<ushort> destination, ushort writeAddress, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
