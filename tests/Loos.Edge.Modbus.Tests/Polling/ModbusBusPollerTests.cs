using Loos.Edge.Core;
using Loos.Edge.Modbus.Polling;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Modbus.Tests.Polling;

public sealed class ModbusBusPollerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 14, 11, 59, 57, 300, TimeSpan.Zero);
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider clock = new(Start);
    private readonly SeriesCatalog catalog = new();
    private readonly RecordingSink sink;
    private readonly ScriptedModbusClient client;

    public ModbusBusPollerTests()
    {
        sink = new RecordingSink(catalog);
        client = new ScriptedModbusClient(clock, ResponseTimeout);
    }

    [Fact]
    public async Task PollDueAsync_FullCycle_DecodesScaledValuesStampedWithTheAlignedTick()
    {
        client.SetRegisters(1, RegisterTable.Input, 0, 0xE979, 0x42F6);
        client.SetRegisters(1, RegisterTable.Input, 2, unchecked((ushort)-123));
        client.SetRegisters(1, RegisterTable.Holding, 100, 0x0001, 0x86A0);
        client.SetBit(1, BitTable.Coils, 7, true);
        var device = Device("meter", 1,
            Point("power_w", "input", 0, "f32", order: "CDAB", unit: "W"),
            Point("temperature_c", "input", 2, "i16", scale: 0.1, offset: 1),
            Point("energy_kwh", "holding", 100, "u32", scale: 0.01),
            Point("relay", "coil", 7));
        await using var poller = CreatePoller(Bus(device));

        await PollAtNextTickAsync(poller);

        var batch = Assert.Single(sink.Batches);
        Assert.Equal(4, batch.Length);
        Assert.All(batch, r => Assert.Equal(new DateTimeOffset(2026, 3, 14, 12, 0, 0, TimeSpan.Zero), r.Timestamp));
        Assert.All(batch, r => Assert.Equal(Quality.Good, r.Quality));
        Assert.Equal(123.456, Assert.Single(sink.Of("power_w")).Value, 3);
        Assert.Equal(-11.3, Assert.Single(sink.Of("temperature_c")).Value, 9);
        Assert.Equal(1000.0, Assert.Single(sink.Of("energy_kwh")).Value, 9);
        Assert.Equal(1.0, Assert.Single(sink.Of("relay")).Value);
        var series = sink.All.First(x => x.Series.Field == "power_w").Series;
        Assert.Equal(("modbus", "meter", "school", "W"), (series.Measurement, series.GetTag("device"), series.GetTag("building"), series.Unit));
        Assert.Equal(ValueKind.Boolean, sink.All.First(x => x.Series.Field == "relay").Series.Kind);
    }

    [Fact]
    public async Task PollDueAsync_NeighbouringPoints_ReadInOneRequest()
    {
        var device = Device("meter", 1, Point("a", "input", 0, "f32"), Point("b", "input", 2, "f32"), Point("c", "input", 8, "u16"));
        await using var poller = CreatePoller(Bus(device));

        await PollAtNextTickAsync(poller);

        Assert.Equal([(1, 0, 9)], client.Requests.Select(r => ((int)r.Unit, r.Address, r.Count)));
    }

    [Fact]
    public async Task PollDueAsync_DeadUnitOnASharedBus_OtherUnitsPolledWithinOneTimeoutOfTheirTick()
    {
        var devices = new[] { 1, 2, 3 }.Select(unit => Device($"inverter-{unit}", (byte)unit,
            Point("power_w", "input", 0, "f32"), Point("energy_wh", "input", 50, "u32"), Point("status", "holding", 0, "u16"))).ToArray();
        var bus = Bus(devices);
        bus.Devices.ForEach(d => d.Interval = TimeSpan.FromSeconds(10));
        client.SilentUnits.Add(1);
        await using var poller = CreatePoller(bus);
        var ticks = new List<DateTimeOffset>();

        for (var cycle = 0; cycle < 12; cycle++)
        {
            ticks.Add(poller.NextDue);
            await PollAtNextTickAsync(poller);
        }

        foreach (var tick in ticks)
        {
            var healthy = client.Requests.Where(r => r.Unit != 1 && r.At >= tick && r.At < tick.AddSeconds(10)).ToList();
            // Two healthy devices of three requests each: input 0 and input 50 are too far apart for one request.
            Assert.Equal(6, healthy.Count);
            Assert.All(healthy, r => Assert.True(r.At - tick <= ResponseTimeout, $"unit {r.Unit} polled {(r.At - tick).TotalMilliseconds} ms after its tick {tick:HH:mm:ss}"));
            var dead = client.Requests.Count(r => r.Unit == 1 && r.At >= tick && r.At < tick.AddSeconds(10));
            Assert.True(dead <= 1, $"the dead unit got {dead} requests in the cycle of {tick:HH:mm:ss}");
        }

        // 3 unanswered cycles (0, 10, 20 s) take it offline; then one probe per back-off of 10, 20, 40 s: at 30, 50 and 90 s.
        Assert.Equal(3 + 3, client.Requests.Count(r => r.Unit == 1));
        Assert.Equal(DeviceState.Offline, poller.StateOf("inverter-1"));
        var deadReadings = sink.All.Where(x => x.Series.GetTag("device") == "inverter-1").Select(x => x.Reading).ToList();
        Assert.Equal(12 * 3, deadReadings.Count);
        Assert.All(deadReadings, r => Assert.True(r.Quality == Quality.Stale && double.IsNaN(r.Value)));
        Assert.All(sink.All.Where(x => x.Series.GetTag("device") != "inverter-1"), x => Assert.Equal(Quality.Good, x.Reading.Quality));
    }

    [Fact]
    public async Task PollDueAsync_DeviceAnswersAgain_GoodReadingsAfterTheNextProbe()
    {
        client.SetFloat(5, RegisterTable.Input, 0, 230.5f);
        var bus = Bus(Device("meter", 5, Point("voltage_v", "input", 0, "f32"), Point("current_a", "input", 40, "f32")));
        bus.Devices[0].Interval = TimeSpan.FromSeconds(5);
        bus.OfflineAfterTimeouts = 2;
        client.SilentUnits.Add(5);
        await using var poller = CreatePoller(bus);
        for (var cycle = 0; cycle < 3; cycle++)
        {
            await PollAtNextTickAsync(poller);
        }

        Assert.Equal(DeviceState.Offline, poller.StateOf("meter"));
        client.SilentUnits.Clear();
        for (var cycle = 0; cycle < 3; cycle++)
        {
            await PollAtNextTickAsync(poller);
        }

        Assert.Equal(DeviceState.Online, poller.StateOf("meter"));
        var voltages = sink.Of("voltage_v").ToList();
        Assert.Equal(6, voltages.Count);
        Assert.All(voltages.Take(3), r => Assert.True(r.Quality == Quality.Stale && double.IsNaN(r.Value)));

        // Offline after the 2nd cycle (5 s), probe due 10 s later: the 3rd cycle (10 s) is backed off, the 4th (15 s) probes.
        Assert.All(voltages.Skip(3), r => Assert.Equal(230.5, r.Value, 3));
        Assert.Equal(3, sink.Of("current_a").Count(r => r.Quality == Quality.Good));
        Assert.Equal(2, client.Requests.Count(r => r.At < voltages[2].Timestamp.AddSeconds(5)));
    }

    [Fact]
    public async Task PollDueAsync_ExceptionReplyForOneBlock_OtherBlocksOfTheDeviceStillRead()
    {
        client.SetFloat(1, RegisterTable.Input, 0, 11f);
        client.SetFloat(1, RegisterTable.Input, 100, 22f);
        client.SetRegisters(1, RegisterTable.Holding, 10, 33);
        client.Fail(1, 100, 101, new ModbusOutcome(ModbusOutcomeKind.DeviceException, 2));
        var device = Device("meter", 1, Point("a", "input", 0, "f32"), Point("b", "input", 100, "f32"), Point("c", "holding", 10, "u16"));
        await using var poller = CreatePoller(Bus(device));

        await PollAtNextTickAsync(poller);
        await PollAtNextTickAsync(poller);

        Assert.All(sink.Of("a"), r => Assert.Equal(11, r.Value));
        Assert.All(sink.Of("c"), r => Assert.Equal(33, r.Value));
        Assert.All(sink.Of("b"), r => Assert.True(r.Quality == Quality.Stale && double.IsNaN(r.Value)));
        Assert.Equal(2, sink.Of("b").Count());
        Assert.Equal(DeviceState.Online, poller.StateOf("meter"));
    }

    [Fact]
    public async Task PollDueAsync_ReadFailsAfterASuccess_StaleNaNNotTheLastValue()
    {
        client.SetFloat(1, RegisterTable.Input, 0, 42f);
        await using var poller = CreatePoller(Bus(Device("meter", 1, Point("a", "input", 0, "f32"))));
        await PollAtNextTickAsync(poller);

        client.Fail(1, 0, 1, new ModbusOutcome(ModbusOutcomeKind.InvalidReply, Detail: "bad CRC"));
        await PollAtNextTickAsync(poller);

        var readings = sink.Of("a").ToList();
        Assert.Equal((42d, Quality.Good), (readings[0].Value, readings[0].Quality));
        Assert.True(double.IsNaN(readings[1].Value));
        Assert.Equal(Quality.Stale, readings[1].Quality);
        Assert.Equal(readings[0].Timestamp.AddMinutes(1), readings[1].Timestamp);
    }

    [Fact]
    public async Task PollDueAsync_NaNInAFloatRegister_StaleReading()
    {
        client.SetRegisters(1, RegisterTable.Input, 0, 0x7FC0, 0x0000);
        await using var poller = CreatePoller(Bus(Device("meter", 1, Point("a", "input", 0, "f32"))));

        await PollAtNextTickAsync(poller);

        Assert.Equal(Quality.Stale, Assert.Single(sink.Of("a")).Quality);
    }

    [Fact]
    public async Task PollDueAsync_PerPointIntervals_EachPointReadOnItsOwnWallClockTicks()
    {
        var device = Device("meter", 1,
            Point("power_w", "input", 0, "f32"),
            Point("energy_kwh", "input", 2, "f32", interval: TimeSpan.FromMinutes(15)));
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 14, 12, 7, 12, TimeSpan.Zero));
        await using var poller = CreatePoller(Bus(device));

        while (poller.NextDue <= new DateTimeOffset(2026, 3, 14, 13, 7, 12, TimeSpan.Zero))
        {
            await PollAtNextTickAsync(poller);
        }

        var energy = sink.Of("energy_kwh").Select(r => r.Timestamp.ToString("HH:mm:ss")).ToList();
        Assert.Equal(["12:15:00", "12:30:00", "12:45:00", "13:00:00"], energy);
        var power = sink.Of("power_w").Select(r => r.Timestamp).ToList();
        Assert.Equal(60, power.Count);
        Assert.All(power, t => Assert.Equal(0, t.Second));
        Assert.Equal(60 + 4, client.Requests.Count);
    }

    [Fact]
    public async Task PollDueAsync_WokenThreeIntervalsLate_OneReadingAtTheLatestTickNoCatchUp()
    {
        await using var poller = CreatePoller(Bus(Device("meter", 1, Point("a", "input", 0, "u16"))));
        var firstTick = poller.NextDue;

        clock.SetUtcNow(firstTick.AddMinutes(3).AddSeconds(20));
        await poller.PollDueAsync(CancellationToken.None);
        await poller.PollDueAsync(CancellationToken.None);

        Assert.Equal(firstTick.AddMinutes(3), Assert.Single(sink.Of("a")).Timestamp);
        Assert.Equal(firstTick.AddMinutes(4), poller.NextDue);
    }

    [Fact]
    public async Task PollDueAsync_QuietTime_KeptBetweenRequestsOnTheBus()
    {
        var bus = Bus(Device("a", 1, Point("x", "input", 0, "u16")), Device("b", 2, Point("x", "input", 0, "u16")), Device("c", 3, Point("x", "input", 0, "u16")));
        bus.QuietTime = TimeSpan.FromMilliseconds(100);
        await using var poller = CreatePoller(bus);

        await PollAtNextTickAsync(poller);

        var times = client.Requests.Select(r => r.At).Order().ToList();
        Assert.Equal(3, times.Count);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task PollDueAsync_GatewayWithConcurrencyTwo_BothConnectionsUsedAndEveryDeviceReadOnce()
    {
        var second = new ScriptedModbusClient(clock, ResponseTimeout);
        foreach (var connection in new[] { client, second })
        {
            connection.ReplyAsynchronously = true;
            for (byte unit = 1; unit <= 4; unit++)
            {
                connection.SetRegisters(unit, RegisterTable.Input, 0, (ushort)(unit * 100));
            }
        }

        var bus = Bus([.. Enumerable.Range(1, 4).Select(unit => Device($"meter-{unit}", (byte)unit, Point("power_w", "input", 0, "u16")))]);
        bus.Kind = "tcp";
        bus.Host = "gateway.local";
        bus.Concurrency = 2;
        var plan = Assert.Single(ModbusPlanner.Plan(new ModbusOptions { Buses = { bus } }, []));
        await using var poller = new ModbusBusPoller(plan, [client, second], sink, catalog, clock, NullLogger.Instance);

        await PollAtNextTickAsync(poller);

        var readings = sink.All.ToDictionary(x => x.Series.GetTag("device")!, x => x.Reading.Value);
        Assert.Equal(new Dictionary<string, double> { ["meter-1"] = 100, ["meter-2"] = 200, ["meter-3"] = 300, ["meter-4"] = 400 }, readings);
        Assert.Equal(4, client.Requests.Count + second.Requests.Count);
        Assert.NotEmpty(client.Requests);
        Assert.NotEmpty(second.Requests);
        Assert.Equal((1, 1), (client.MaxInFlight, second.MaxInFlight));
        Assert.Single(sink.Batches);
    }

    [Fact]
    public async Task RunAsync_SinkRefusesABatch_KeepsPollingTheNextTicks()
    {
        var refusing = new RefusingOnceSink(sink);
        var plan = Assert.Single(ModbusPlanner.Plan(new ModbusOptions { Buses = { Bus(Device("meter", 1, Point("a", "input", 0, "u16"))) } }, []));
        await using var poller = new ModbusBusPoller(plan, [client], refusing, catalog, clock, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = poller.RunAsync(stop.Token);

        for (var minute = 0; minute < 3; minute++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            for (var i = 0; i < 200 && refusing.Calls <= minute; i++)
            {
                await Task.Delay(10);
            }
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3, refusing.Calls);
        Assert.Equal(2, sink.Batches.Count);
    }

    private sealed class RefusingOnceSink(IReadingSink inner) : IReadingSink
    {
        private int calls;

        public int Calls => Volatile.Read(ref calls);

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref calls) == 1 ? throw new BufferFullException("full") : inner.AppendAsync(readings, cancellationToken);
    }

    [Fact]
    public async Task RunAsync_ClockReachesTheTick_AppendsWithoutBeingCalled()
    {
        await using var poller = CreatePoller(Bus(Device("meter", 1, Point("a", "input", 0, "u16"))));
        using var stop = new CancellationTokenSource();
        var run = poller.RunAsync(stop.Token);

        clock.Advance(TimeSpan.FromSeconds(3));
        for (var i = 0; i < 200 && sink.Batches.Count == 0; i++)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Single(sink.Batches);
    }

    private ModbusBusPoller CreatePoller(ModbusBusOptions bus)
    {
        var problems = new ConfigurationProblems();
        var plan = Assert.Single(ModbusPlanner.Plan(new ModbusOptions { Buses = { bus } }, problems));
        Assert.Empty(problems);
        return new ModbusBusPoller(plan, [client], sink, catalog, clock, NullLogger.Instance);
    }

    /// <summary>Moves the clock to the next tick and polls, advancing the clock in 10 ms steps while a request waits on it.</summary>
    internal static async Task PollAtNextTickAsync(ModbusBusPoller poller, FakeTimeProvider clock)
    {
        clock.SetUtcNow(poller.NextDue);
        var poll = poller.PollDueAsync(CancellationToken.None).AsTask();
        while (!poll.IsCompleted)
        {
            await Task.Delay(1);
            if (!poll.IsCompleted)
            {
                clock.Advance(TimeSpan.FromMilliseconds(10));
            }
        }

        await poll;
    }

    private Task PollAtNextTickAsync(ModbusBusPoller poller) => PollAtNextTickAsync(poller, clock);

    internal static ModbusBusOptions Bus(params ModbusDeviceOptions[] devices)
    {
        var bus = new ModbusBusOptions { Name = "rs485-1", Kind = "rtu", Device = "/dev/ttyUSB0", ResponseTimeout = ResponseTimeout };
        bus.Devices.AddRange(devices);
        return bus;
    }

    internal static ModbusDeviceOptions Device(string name, byte unitId, params ModbusPointOptions[] points)
    {
        var device = new ModbusDeviceOptions { Name = name, UnitId = unitId, Tags = { ["building"] = "school" } };
        device.Points.AddRange(points);
        return device;
    }

    internal static ModbusPointOptions Point(string name, string table, int address, string? type = null, string order = "ABCD", double scale = 1, double offset = 0, string? unit = null, TimeSpan? interval = null) =>
        new() { Name = name, Table = table, Address = address, Type = type, Order = order, Scale = scale, Offset = offset, Unit = unit, Interval = interval };
}
