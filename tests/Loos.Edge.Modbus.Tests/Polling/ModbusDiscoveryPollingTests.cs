using Loos.Edge.Core;
using Loos.Edge.Modbus.Polling;
using Loos.Edge.Polling;
using Loos.Edge.SunSpec.Polling;
using Loos.Edge.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Modbus.Tests.Polling;

/// <summary>A SunSpec inverter (the corpus' SMA dump) on a shared RS-485 line beside a meter, on a fake clock.</summary>
public sealed class ModbusDiscoveryPollingTests
{
    private const string Devices = "sunspec/devices";
    private static readonly DateTimeOffset Start = new(2026, 6, 21, 11, 59, 57, 300, TimeSpan.Zero);
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider clock = new(Start);
    private readonly SeriesCatalog catalog = new();
    private readonly RecordingSink sink;
    private readonly ScriptedModbusClient client;

    public ModbusDiscoveryPollingTests()
    {
        sink = new RecordingSink(catalog);
        client = new ScriptedModbusClient(clock, ResponseTimeout);
    }

    [CorpusFact(Devices)]
    public async Task PollDueAsync_InverterSilentAtBoot_DiscoveredOnceItAnswersWhileTheMeterKeepsItsTicks()
    {
        ServeSmaDump(unit: 2);
        client.SetFloat(1, RegisterTable.Input, 0, 231.5f);
        client.SilentUnits.Add(2);
        await using var poller = CreatePoller();
        var ticks = new List<DateTimeOffset>();

        // Silent for six cycles: tried at its first tick, then after back-offs of 10 s and 20 s, never every tick.
        for (var cycle = 0; cycle < 6; cycle++)
        {
            ticks.Add(poller.NextDue);
            await PollAtNextTickAsync(poller);
        }

        Assert.Equal(3, client.Requests.Count(r => r.Unit == 2));
        Assert.DoesNotContain(sink.All, x => x.Series.GetTag("device") == "inverter");

        client.SilentUnits.Clear();
        for (var cycle = 0; cycle < 6; cycle++)
        {
            ticks.Add(poller.NextDue);
            await PollAtNextTickAsync(poller);
        }

        // The next try (40 s after the third) maps it, and its points are read at once, stamped with that tick.
        var power = sink.All.Where(x => x.Series.GetTag("device") == "inverter" && x.Series.Field == "W").Select(x => x.Reading).ToList();
        Assert.NotEmpty(power);
        Assert.Equal(Start.AddSeconds(2.7 + 70), power[0].Timestamp);
        Assert.All(power, r => Assert.Equal((Quality.Good, 3680d), (r.Quality, r.Value)));
        Assert.Equal(30388530d, sink.All.First(x => x.Series.GetTag("device") == "inverter" && x.Series.Field == "WH").Reading.Value);
        Assert.Equal(DeviceState.Online, poller.StateOf("inverter"));

        // The meter was read at every tick, within one response timeout of it, before and after the discovery.
        foreach (var tick in ticks)
        {
            var meter = client.Requests.Where(r => r.Unit == 1 && r.At >= tick && r.At < tick + Interval).ToList();
            var request = Assert.Single(meter);
            Assert.True(request.At - tick <= ResponseTimeout, $"the meter was read {(request.At - tick).TotalMilliseconds} ms after its tick {tick:HH:mm:ss}");
        }

        Assert.Equal(ticks.Count, sink.Of("voltage_v").Count(r => r.Quality == Quality.Good));
    }

    [CorpusFact(Devices)]
    public async Task PollDueAsync_InverterAnswersAtBoot_FirstCycleAlreadyHasItsReadings()
    {
        ServeSmaDump(unit: 2);
        await using var poller = CreatePoller();

        await PollAtNextTickAsync(poller);

        var tick = Start.AddSeconds(2.7);
        var inverter = sink.All.Where(x => x.Series.GetTag("device") == "inverter").ToList();
        Assert.Contains(inverter, x => x.Series.Field == "W" && x.Reading.Value == 3680 && x.Reading.Timestamp == tick);
        Assert.All(inverter, x => Assert.Equal(("inverter", tick), (x.Series.Measurement, x.Reading.Timestamp)));
        Assert.Equal(tick, Assert.Single(sink.Of("voltage_v")).Timestamp);
    }

    private void ServeSmaDump(byte unit)
    {
        var image = RegisterImage.LoadSunSpecDump(Path.Combine(RepositoryPaths.CorpusFolder(Devices)!, "sma_sb3.6-1av-41_fw4.01.15.json"));
        foreach (var (address, value) in image.Registers)
        {
            client.SetRegisters(unit, RegisterTable.Holding, (ushort)address, value);
        }
    }

    private ModbusBusPoller CreatePoller()
    {
        var meter = ModbusBusPollerTests.Device("meter", 1, ModbusBusPollerTests.Point("voltage_v", "input", 0, "f32"));
        var inverter = new ModbusDeviceOptions { Name = "inverter", UnitId = 2, SunSpec = true };
        var bus = ModbusBusPollerTests.Bus(meter, inverter);
        bus.Devices.ForEach(d => d.Interval = Interval);
        var problems = new ConfigurationProblems();
        var plan = Assert.Single(ModbusPlanner.Plan(new ModbusOptions { Buses = { bus } }, problems));
        Assert.Empty(problems);
        var discovery = new ServiceCollection().AddSunSpecDiscovery().BuildServiceProvider().GetRequiredService<IModbusDeviceDiscovery>();
        return new ModbusBusPoller(plan, [client], sink, catalog, clock, NullLogger.Instance, discovery);
    }

    private Task PollAtNextTickAsync(ModbusBusPoller poller) => ModbusBusPollerTests.PollAtNextTickAsync(poller, clock);
}
