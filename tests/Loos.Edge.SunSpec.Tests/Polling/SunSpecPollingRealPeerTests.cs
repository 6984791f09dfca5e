using Loos.Edge.Core;
using Loos.Edge.Modbus.Polling;
using Loos.Edge.SunSpec.Polling;
using Loos.Edge.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Loos.Edge.SunSpec.Tests.Polling;

/// <summary>A <c>sunspec: true</c> device polled from pymodbus serving the SMA Sunny Boy dump over Modbus TCP.</summary>
public sealed class SunSpecPollingRealPeerTests
{
    [CorpusFact(Corpus.DevicesFolder)]
    public async Task AddSunSpecDiscovery_SmaDumpOverTcp_AppendsTheInverterValuesStampedWithAlignedTicks()
    {
        var image = RegisterImage.LoadSunSpecDump(Path.Combine(Corpus.Devices, "sma_sb3.6-1av-41_fw4.01.15.json"));
        await using var device = await PymodbusDevice.StartTcpAsync(new Dictionary<byte, RegisterImage> { [126] = image });
        var options = new ModbusOptions();
        options.Buses.Add(new ModbusBusOptions
        {
            Name = "roof",
            Kind = "tcp",
            Host = device.Host,
            Port = device.Port,
            Devices = { new ModbusDeviceOptions { Name = "sb36", UnitId = 126, SunSpec = true, Interval = TimeSpan.FromSeconds(1), Tags = { ["building"] = "salle-des-sports" } } },
        });
        var catalog = new SeriesCatalog();
        var sink = new CollectingSink(catalog);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<ISeriesCatalog>(catalog)
            .AddSingleton<IReadingSink>(sink)
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
            for (var i = 0; i < 200 && !sink.All.Any(x => x.Series.Field == "W"); i++)
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

        var readings = sink.All;
        var power = readings.First(x => x.Series.Field == "W");
        Assert.Equal((Quality.Good, 3680d), (power.Reading.Quality, power.Reading.Value));
        Assert.Equal(("inverter", "W", "sb36", "salle-des-sports"), (power.Series.Measurement, power.Series.Unit, power.Series.GetTag("device"), power.Series.GetTag("building")));
        Assert.Equal(30388530d, readings.First(x => x.Series.Field == "WH").Reading.Value);
        Assert.Equal(49.99, readings.First(x => x.Series.Field == "Hz").Reading.Value, 9);
        Assert.Equal(2210d, readings.First(x => x.Series.Field == "module_0_DCW").Reading.Value);
        Assert.Equal(Quality.Stale, readings.First(x => x.Series.Field == "DCW").Reading.Quality);
        Assert.All(readings, x => Assert.Equal(0, x.Reading.Timestamp.Millisecond));
    }
}
