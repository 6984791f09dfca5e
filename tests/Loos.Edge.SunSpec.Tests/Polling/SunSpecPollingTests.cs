using System.Globalization;
using System.Text.Json;
using Loos.Edge.Core;
using Loos.Edge.Modbus;
using Loos.Edge.Modbus.Polling;
using Loos.Edge.SunSpec.Polling;
using Loos.Edge.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.SunSpec.Tests.Polling;

/// <summary>
/// A device with <c>sunspec: true</c> polled through <c>AddModbusPolling</c> and <c>AddSunSpecDiscovery</c>, against
/// the SMA Sunny Boy register images of the corpus served from memory, on a fake clock.
/// </summary>
public sealed class SunSpecPollingTests
{
    private const string DayDump = "sma_sb3.6-1av-41_fw4.01.15.json";
    private const string NightDump = "sma_sb3.6-1av-41_fw4.01.15_night.json";
    private static readonly DateTimeOffset Start = new(2026, 6, 21, 11, 59, 50, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [CorpusFact(Corpus.DevicesFolder)]
    public async Task AddSunSpecDiscovery_DaytimeInverter_PollsTheInverterAndMpptModelsWithTheDumpsValues()
    {
        var (readings, _) = await PollOnceAsync(DayDump, new ModbusDeviceOptions { Name = "sb36", SunSpec = true, Tags = { ["building"] = "ecole-basly" } });

        // One cycle, stamped with its aligned tick.
        var tick = readings[0].Reading.Timestamp;
        Assert.Equal(TimeSpan.Zero, TimeSpan.FromTicks(tick.UtcTicks % Interval.Ticks));
        Assert.All(readings, r => Assert.Equal(tick, r.Reading.Timestamp));
        Assert.Equal(3680, Value(readings, "W"));
        Assert.Equal(30388530, Value(readings, "WH"));
        Assert.Equal(15.1, Value(readings, "A"), 9);
        Assert.Equal(244, Value(readings, "PhVphA"), 9);
        Assert.Equal(49.99, Value(readings, "Hz"), 9);
        Assert.Equal(-1, Value(readings, "PF"), 9);
        Assert.Equal(2210, Value(readings, "module_0_DCW"));
        Assert.Equal(242, Value(readings, "module_1_DCV"));
        var compared = CompareWithDump(readings, DayDump);
        Assert.True(compared.Good >= 12, $"only {compared.Good} implemented points compared");
        Assert.True(compared.Stale >= 10, $"only {compared.Stale} not-implemented points compared");
        var watts = readings.Single(r => r.Series.Field == "W").Series;
        Assert.Equal(("inverter", "W", "sb36", "ecole-basly"), (watts.Measurement, watts.Unit, watts.GetTag("device"), watts.GetTag("building")));
        Assert.Equal("Wh", readings.Single(r => r.Series.Field == "WH").Series.Unit);

        // Nameplate, settings and controls are configuration, not measurements; scale factors feed no series.
        Assert.DoesNotContain(readings, r => r.Series.Field is "WRtg" or "WMax" or "W_SF" or "A_SF" || r.Series.Field.StartsWith("scale_factor", StringComparison.Ordinal));
        Assert.DoesNotContain(readings, r => r.Series.Field is "St" or "Evt1" or "module_0_IDStr");
    }

    [CorpusFact(Corpus.DevicesFolder)]
    public async Task AddSunSpecDiscovery_NightInverter_NotImplementedPointsAreStaleTheOthersGood()
    {
        var (readings, _) = await PollOnceAsync(NightDump, new ModbusDeviceOptions { Name = "sb36", SunSpec = true });

        var power = readings.Single(r => r.Series.Field == "W").Reading;
        Assert.Equal(Quality.Stale, power.Quality);
        Assert.True(double.IsNaN(power.Value));
        Assert.Equal(Quality.Stale, readings.Single(r => r.Series.Field == "module_0_DCW").Reading.Quality);
        Assert.Equal((Quality.Good, 30847780d), (readings.Single(r => r.Series.Field == "WH").Reading.Quality, Value(readings, "WH")));
        var compared = CompareWithDump(readings, NightDump);
        Assert.True(compared.Good >= 1 && compared.Stale >= 20, $"{compared.Good} good and {compared.Stale} stale points compared");
    }

    [CorpusFact(Corpus.DevicesFolder)]
    public async Task AddSunSpecDiscovery_ModelsNamed_PollsOnlyThoseModels()
    {
        var (readings, _) = await PollOnceAsync(DayDump, new ModbusDeviceOptions { Name = "sb36", SunSpec = true, SunSpecModels = { 160 } });

        Assert.Contains(readings, r => r.Series.Field == "module_0_DCW");
        Assert.DoesNotContain(readings, r => r.Series.Field == "W");
    }

    [CorpusFact(Corpus.DevicesFolder)]
    public async Task AddSunSpecDiscovery_ScaleFactorNotImplemented_PointIsStaleNotAWrongNumber()
    {
        // Model 101 starts at 40185: W_SF is its point at offset 15 (ID, L, then 13 registers), 40200. Set to 0x8000.
        var (readings, _) = await PollOnceAsync(DayDump, new ModbusDeviceOptions { Name = "sb36", SunSpec = true, SunSpecModels = { 101 } }, image => image.Overwrite(40200, 0x8000));

        var power = readings.Single(r => r.Series.Field == "W").Reading;
        Assert.Equal(Quality.Stale, power.Quality);
        Assert.True(double.IsNaN(power.Value));
        Assert.Equal(3680, Value(readings, "VA"));
    }

    [CorpusFact(Corpus.DevicesFolder)]
    public async Task AddSunSpecDiscovery_DiscoveredDevice_ReadsItsPointsWithTheirScaleFactorsInTwoRequests()
    {
        var (firstAddress, registers, _) = Corpus.LoadDump(Path.Combine(Corpus.Devices, DayDump));
        var discoveryOnly = new RegisterImageClient(firstAddress, registers);
        Assert.True((await SunSpecReader.ReadAsync(discoveryOnly, 1)).IsSuccess);

        var (_, client) = await PollOnceAsync(DayDump, new ModbusDeviceOptions { Name = "sb36", SunSpec = true });

        // Model 101's points and scale factors (40187-40222) and model 160's, from its scale factors at 40623 to the
        // last module's temperature at 40747: two requests, the second of the full 125 registers.
        var cycle = client.Reads.Skip(discoveryOnly.Reads.Count).ToList();
        Assert.Equal(discoveryOnly.Reads, client.Reads.Take(discoveryOnly.Reads.Count));
        Assert.Equal([(40187, 36), (40623, 125)], cycle.Select(read => ((int)read.Address, read.Count)));
    }

    private static double Value(IReadOnlyList<(SeriesKey Series, Reading Reading)> readings, string field)
    {
        var reading = readings.Single(r => r.Series.Field == field).Reading;
        Assert.Equal(Quality.Good, reading.Quality);
        return reading.Value;
    }

    /// <summary>Every reading against the dump's expected value: [] is a stale NaN reading, a number a good one within the printed 3 decimals.</summary>
    private static (int Good, int Stale) CompareWithDump(IReadOnlyList<(SeriesKey Series, Reading Reading)> readings, string dump)
    {
        var (_, _, expected) = Corpus.LoadDump(Path.Combine(Corpus.Devices, dump));
        var byName = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in new[] { "Model 101", "Model 160" })
        {
            foreach (var point in expected.GetProperty(model).EnumerateObject())
            {
                byName[point.Name] = point.Value;
            }
        }

        var (good, stale) = (0, 0);
        foreach (var (series, reading) in readings)
        {
            Assert.True(byName.TryGetValue(series.Field, out var values), $"{series.Field} is not in the dump");
            if (values.GetArrayLength() == 0)
            {
                Assert.True(reading.Quality == Quality.Stale && double.IsNaN(reading.Value), $"{series.Field} is not implemented, but read {reading.Value} ({reading.Quality})");
                stale++;
            }
            else
            {
                var value = double.Parse(values[0].GetString()!, CultureInfo.InvariantCulture);
                Assert.True(reading.Quality == Quality.Good && Math.Abs(reading.Value - value) < 0.0005, $"{series.Field}: expected {value}, read {reading.Value} ({reading.Quality})");
                good++;
            }
        }

        return (good, stale);
    }

    private static async Task<(IReadOnlyList<(SeriesKey Series, Reading Reading)> Readings, RegisterImageClient Client)> PollOnceAsync(
        string dump, ModbusDeviceOptions device, Action<RegisterImageClient>? change = null)
    {
        var (firstAddress, registers, _) = Corpus.LoadDump(Path.Combine(Corpus.Devices, dump));
        var client = new RegisterImageClient(firstAddress, registers);
        change?.Invoke(client);
        device.Interval = Interval;
        var options = new ModbusOptions();
        options.Buses.Add(new ModbusBusOptions { Name = "roof", Host = "192.0.2.10", Devices = { device } });
        var clock = new FakeTimeProvider(Start);
        var catalog = new SeriesCatalog();
        var sink = new CollectingSink(catalog);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton<ISeriesCatalog>(catalog)
            .AddSingleton<IReadingSink>(sink)
            .AddSingleton<IModbusClientFactory>(new SingleClientFactory(client))
            .AddModbusPolling(options)
            .AddSunSpecDiscovery();
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        try
        {
            // The service starts its poller in the background: the clock moves on until the first tick was polled, then stops.
            for (var i = 0; i < 500 && sink.Count == 0; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(10);
            }
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }

        return (sink.All, client);
    }

    private sealed class SingleClientFactory(IModbusClient client) : IModbusClientFactory
    {
        public IModbusClient Create(ModbusBusOptions bus) => client;
    }
}

/// <summary>Keeps every appended reading with its series.</summary>
internal sealed class CollectingSink(ISeriesCatalog catalog) : IReadingSink
{
    private readonly Lock gate = new();
    private readonly List<(SeriesKey Series, Reading Reading)> readings = [];

    public int Count
    {
        get
        {
            lock (gate)
            {
                return readings.Count;
            }
        }
    }

    public IReadOnlyList<(SeriesKey Series, Reading Reading)> All
    {
        get
        {
            lock (gate)
            {
                return [.. readings];
            }
        }
    }

    public ValueTask AppendAsync(ReadOnlyMemory<Reading> batch, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            foreach (var reading in batch.Span)
            {
                readings.Add((catalog[reading.Series], reading));
            }
        }

        return ValueTask.CompletedTask;
    }
}
