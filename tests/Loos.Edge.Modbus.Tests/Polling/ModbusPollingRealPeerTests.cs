using Loos.Edge.Core;
using Loos.Edge.Modbus.Polling;
using Loos.Edge.Polling;
using Loos.Edge.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Modbus.Tests.Polling;

/// <summary>Polling against pymodbus as the device: over TCP on loopback and over RTU on a socat pseudo-terminal pair.</summary>
public sealed class ModbusPollingRealPeerTests
{
    private static string ProfileDirectory => Path.Combine(RepositoryPaths.Root, "firmware-config", "profiles");

    [Fact]
    public async Task AddModbusPolling_Sdm630ProfileOverTcp_AppendsTheMeterValues()
    {
        // An SDM630 register image: f32 ABCD input registers at the datasheet addresses.
        var image = new RegisterImage();
        SetFloat(image, 0x00, 231.2f);
        SetFloat(image, 0x06, 4.75f);
        SetFloat(image, 0x34, 3210.5f);
        SetFloat(image, 0x46, 50.01f);
        SetFloat(image, 0x48, 12345.6f);
        SetFloat(image, 0x156, 12400.25f);
        await using var device = await PymodbusDevice.StartTcpAsync(new Dictionary<byte, RegisterImage> { [7] = image });
        var options = new ModbusOptions { ProfileDirectory = ProfileDirectory };
        options.Buses.Add(new ModbusBusOptions
        {
            Name = "tcp-meter",
            Kind = "tcp",
            Host = device.Host,
            Port = device.Port,
            Devices = { new ModbusDeviceOptions { Name = "main-meter", UnitId = 7, Profile = "eastron-sdm630", Interval = TimeSpan.FromSeconds(1), Tags = { ["building"] = "ecole-basly" } } },
        });
        var catalog = new SeriesCatalog();
        var sink = new RecordingSink(catalog);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<ISeriesCatalog>(catalog)
            .AddSingleton<IReadingSink>(sink)
            .AddModbusPolling(options);
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        try
        {
            for (var i = 0; i < 100 && sink.Batches.Count == 0; i++)
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }

        var batch = Assert.Single(sink.Batches.Take(1));
        Assert.Equal(32, batch.Length);
        Assert.All(batch, r => Assert.Equal(Quality.Good, r.Quality));
        Assert.All(batch, r => Assert.Equal(0, r.Timestamp.Millisecond));
        Assert.Equal(231.2f, (float)sink.Of("voltage_l1_v").First().Value);
        Assert.Equal(4.75f, (float)sink.Of("current_l1_a").First().Value);
        Assert.Equal(3210.5f, (float)sink.Of("power_w").First().Value);
        Assert.Equal(50.01f, (float)sink.Of("frequency_hz").First().Value);
        Assert.Equal(12345.6f, (float)sink.Of("energy_import_kwh").First().Value);
        Assert.Equal(12400.25f, (float)sink.Of("energy_total_kwh").First().Value);
        Assert.Equal(0, sink.Of("voltage_l2_v").First().Value);
        var key = sink.All.First(x => x.Series.Field == "power_w").Series;
        Assert.Equal(("electricity", "main-meter", "ecole-basly", "W"), (key.Measurement, key.GetTag("device"), key.GetTag("building"), key.Unit));
    }

    [Fact]
    public async Task PollDueAsync_SilentUnitOnRtuLine_OtherUnitsReadWithinOneTimeoutOfEachTick()
    {
        var units = new Dictionary<byte, RegisterImage>();
        foreach (byte unit in new byte[] { 1, 2, 3 })
        {
            var image = new RegisterImage();
            SetFloat(image, 0, 100f + unit);
            image.SetRegisters(40, (ushort)(unit * 10));
            image.SetRegisters(80, (ushort)(unit * 20));
            units[unit] = image;
        }

        await using var pair = await SerialPortPair.StartAsync();
        await using var device = await PymodbusDevice.StartRtuAsync(pair.DevicePath, units, new PymodbusFaults { SilentUnits = [1] });
        var responseTimeout = TimeSpan.FromSeconds(1);
        var bus = new ModbusBusOptions { Name = "rs485", Kind = "rtu", Device = pair.GatewayPath, Baud = 9600, Parity = "N", ResponseTimeout = responseTimeout };
        foreach (byte unit in new byte[] { 1, 2, 3 })
        {
            // Three blocks per device (the points are too far apart to share a request), read every 3 s.
            var meter = ModbusBusPollerTests.Device($"meter-{unit}", unit,
                ModbusBusPollerTests.Point("power_w", "holding", 0, "f32"),
                ModbusBusPollerTests.Point("status", "holding", 40, "u16"),
                ModbusBusPollerTests.Point("alarm", "holding", 80, "u16"));
            meter.Interval = TimeSpan.FromSeconds(3);
            bus.Devices.Add(meter);
        }

        var plan = Assert.Single(ModbusPlanner.Plan(new ModbusOptions { Buses = { bus } }, []));
        var recording = new TimedClient(new ModbusClientFactory(NullLoggerFactory.Instance, TimeProvider.System).Create(bus));
        var catalog = new SeriesCatalog();
        var sink = new RecordingSink(catalog);
        await using var poller = new ModbusBusPoller(plan, [recording], sink, catalog, TimeProvider.System, NullLogger.Instance);
        var ticks = new List<DateTimeOffset>();

        for (var cycle = 0; cycle < 4; cycle++)
        {
            var tick = poller.NextDue;
            // Timers may fire a little before the wall clock reaches the tick; the poller then has nothing due yet.
            while (DateTimeOffset.UtcNow < tick)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, (tick - DateTimeOffset.UtcNow).TotalMilliseconds)));
            }

            ticks.Add(tick);
            recording.Cycle = cycle;
            await poller.PollDueAsync(CancellationToken.None);
        }

        // The silent unit costs at most one response timeout per cycle; the healthy units' six requests on a 9600 baud
        // line take about 6 × 20 ms of wire time plus pymodbus' own turnaround. The allowance beside the timeout is wide
        // (pymodbus and the pseudo-terminal share two cores with the rest of the test run, and stall now and then) but
        // still shorter than the second timeout a poller without a device circuit would spend on the silent unit.
        var allowance = responseTimeout + TimeSpan.FromMilliseconds(900);
        for (var cycle = 0; cycle < ticks.Count; cycle++)
        {
            var tick = ticks[cycle];
            var healthy = recording.Requests.Where(r => r.Unit != 1 && r.Cycle == cycle).ToList();
            Assert.Equal(6, healthy.Count);
            Assert.True(recording.Requests.Count(r => r.Unit == 1 && r.Cycle == cycle) <= 1);
            if (cycle == 0)
            {
                // The first cycle opens the port and wakes the Python peer up (up to a second here): times count from the next.
                continue;
            }

            Assert.All(healthy, r => Assert.True(r.At - tick <= allowance, $"unit {r.Unit} read {(r.At - tick).TotalMilliseconds:F0} ms after its tick; cycle {cycle}: {string.Join(", ", recording.Requests.Where(q => q.Cycle == cycle).Select(q => $"{q.Unit}@{(q.At - tick).TotalMilliseconds:F0}"))}"));
        }

        Assert.Equal(DeviceState.Offline, poller.StateOf("meter-1"));
        Assert.All(sink.All.Where(x => x.Series.GetTag("device") == "meter-1"), x => Assert.Equal(Quality.Stale, x.Reading.Quality));
        Assert.All(sink.Of("power_w").Where(r => r.Quality == Quality.Good), r => Assert.Contains(r.Value, new[] { 102d, 103d }));
        Assert.Equal(8, sink.Of("power_w").Count(r => r.Quality == Quality.Good));
        Assert.Equal(8, sink.Of("status").Count(r => r.Quality == Quality.Good));
    }

    private static void SetFloat(RegisterImage image, int address, float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        image.SetRegisters(address, (ushort)(bits >> 16), (ushort)bits);
    }

    /// <summary>Records when each request started on the real clock.</summary>
    private sealed class TimedClient(IModbusClient inner) : IModbusClient
    {
        public List<(byte Unit, DateTimeOffset At, int Cycle)> Requests { get; } = [];

        /// <summary>The poll cycle the next requests belong to.</summary>
        public int Cycle { get; set; }

        public string Endpoint => inner.Endpoint;

        public ValueTask<ModbusOutcome> ReadRegistersAsync(byte unitId, RegisterTable table, ushort address, Memory<ushort> destination, CancellationToken cancellationToken)
        {
            Requests.Add((unitId, DateTimeOffset.UtcNow, Cycle));
            return inner.ReadRegistersAsync(unitId, table, address, destination, cancellationToken);
        }

        public ValueTask<ModbusOutcome> ReadBitsAsync(byte unitId, BitTable table, ushort address, Memory<bool> destination, CancellationToken cancellationToken)
        {
            Requests.Add((unitId, DateTimeOffset.UtcNow, Cycle));
            return inner.ReadBitsAsync(unitId, table, address, destination, cancellationToken);
        }

        public ValueTask<ModbusOutcome> WriteRegistersAsync(byte unitId, ushort address, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken) =>
            inner.WriteRegistersAsync(unitId, address, values, cancellationToken);

        public ValueTask<ModbusOutcome> WriteCoilsAsync(byte unitId, ushort address, ReadOnlyMemory<bool> values, CancellationToken cancellationToken) =>
            inner.WriteCoilsAsync(unitId, address, values, cancellationToken);

        public ValueTask<ModbusOutcome> ReadWriteRegistersAsync(byte unitId, ushort readAddress, Memory<ushort> destination, ushort writeAddress, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken) =>
            inner.ReadWriteRegistersAsync(unitId, readAddress, destination, writeAddress, values, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
