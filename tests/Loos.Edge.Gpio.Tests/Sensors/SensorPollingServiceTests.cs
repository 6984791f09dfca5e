using System.Device.I2c;
using Loos.Edge.Core;
using Loos.Edge.Gpio.Sensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Gpio.Tests.Sensors;

public sealed class SensorPollingServiceTests : IDisposable
{
    private const string Pipe = "28-0316a2795aff";

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 1, 14, 11, 59, 50, TimeSpan.Zero));
    private readonly SeriesCatalog catalog = new();
    private readonly RecordingSink sink;
    private readonly W1Devices w1 = new();
    private readonly SimulatedBmx280 flat = new(new I2cConnectionSettings(1, 0x76), SimulatedBmx280.Bme280ChipId, Bmx280Calibration.RealDevice);

    public SensorPollingServiceTests()
    {
        sink = new RecordingSink(catalog);
        w1.Write("w1_bus_master1", Pipe, 45.5);
    }

    [Fact]
    public void AddSensors_NoSensors_RegistersNothing()
    {
        var services = new ServiceCollection();

        services.AddSensors(new GpioOptions());

        Assert.Empty(services);
    }

    [Fact]
    public void AddSensors_WithoutAReaderFactory_ReadsTheRealBuses()
    {
        var services = new ServiceCollection();

        services.AddSensors(Options());

        using var provider = services.BuildServiceProvider();
        Assert.IsType<SensorReaderFactory>(provider.GetRequiredService<ISensorReaderFactory>());
        Assert.Equal("/sys/bus/w1/devices/w1_bus_master1/28-0316a2795aff/w1_slave", new OneWireThermometerReader(OneWireThermometerReader.DefaultDevicesPath, "w1_bus_master1", Pipe).SlaveFilePath);
    }

    [Fact]
    public async Task HostedService_TwoBuses_ReadsBothAtTheirTicksAndReportsHealthUntilStopped()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IReadingSink>(sink);
        services.AddSingleton<ISeriesCatalog>(catalog);
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<ISensorReaderFactory>(new SensorReaderFactory(w1.Root, _ => flat));
        services.AddSensors(Options());
        await using var provider = services.BuildServiceProvider();
        var service = Assert.Single(provider.GetServices<IHostedService>());
        var monitor = Assert.Single(provider.GetServices<IDeviceMonitor>());

        await service.StartAsync(CancellationToken.None);
        flat.Answering = false;
        for (var step = 0; step < 400 && sink.Of("flat-12", "temperature").Count < 2; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(10);
        }

        Assert.Contains(new DeviceStatus("w1_bus_master1", "heating-flow", true), monitor.GetDevices());
        Assert.Contains(new DeviceStatus("i2c-1", "flat-12", false, BackedOff: true), monitor.GetDevices());
        await service.StopAsync(CancellationToken.None);

        Assert.Empty(monitor.GetDevices());
        Assert.Contains(sink.Of("heating-flow", "temperature"), x => x.Reading.Value == 45.5 && x.Reading.Timestamp.Second == 0);
        Assert.All(sink.Of("flat-12", "temperature"), x => Assert.Equal(Quality.Stale, x.Reading.Quality));
        Assert.True(sink.Of("flat-12", "temperature").Count >= 2);
    }

    public void Dispose() => w1.Dispose();

    private static GpioOptions Options()
    {
        var options = new GpioOptions();
        options.Sensors.Add(new SensorOptions { Name = "heating-flow", Type = "ds18b20", DeviceId = Pipe, Interval = TimeSpan.FromSeconds(30) });
        options.Sensors.Add(new SensorOptions { Name = "flat-12", Type = "bme280", Home = "12" });
        return options;
    }
}
