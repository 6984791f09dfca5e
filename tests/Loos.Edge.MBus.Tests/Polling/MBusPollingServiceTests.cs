using Loos.Edge.Core;
using Loos.Edge.MBus.Master;
using Loos.Edge.MBus.Polling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.MBus.Tests.Polling;

public sealed class MBusPollingServiceTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 1, 14, 11, 59, 50, TimeSpan.Zero));
    private readonly SeriesCatalog catalog = new();

    [Fact]
    public async Task AddMBusPolling_Started_ReadsEveryLineAndReportsItsMetersToHealth()
    {
        var readers = new Dictionary<string, ScriptedMBusReader>();
        var sink = new RecordingSink(catalog);
        var cellar = MBusLinePollerTests.Line(MBusLinePollerTests.Meter("home-12", "12", address: 5));
        var garage = MBusLinePollerTests.Line(MBusLinePollerTests.Meter("home-14", "14", address: 5));
        garage.Name = "garage";
        var options = new MBusOptions { Lines = { cellar, garage } };
        using var provider = Services(options, sink, readers).BuildServiceProvider();
        var service = provider.GetServices<IHostedService>().Single();
        var monitor = provider.GetServices<IDeviceMonitor>().Single();

        await service.StartAsync(CancellationToken.None);
        await MBusLinePollerTests.WaitUntilAsync(() => monitor.GetDevices().Count == 2);
        clock.SetUtcNow(new DateTimeOffset(2026, 1, 14, 12, 0, 0, TimeSpan.Zero));
        await MBusLinePollerTests.WaitUntilAsync(() => sink.Batches.Count == 2);
        var devices = monitor.GetDevices();
        await service.StopAsync(CancellationToken.None);

        // One silent readout is not yet offline (3 by default): both still count as answering.
        Assert.Equal([new DeviceStatus("cellar", "home-12", true), new DeviceStatus("garage", "home-14", true)], devices);
        Assert.Empty(monitor.GetDevices());
        Assert.Equal([("energy", Quality.Good), ("status", Quality.Good)], sink.Of("home-12").Select(x => (x.Series.Field, x.Reading.Quality)));
        Assert.Equal([("energy", Quality.Stale)], sink.Of("home-14").Select(x => (x.Series.Field, x.Reading.Quality)));
        Assert.All(readers.Values, r => Assert.True(r.Disposed));
    }

    [Fact]
    public void AddMBusPolling_InvalidOptions_FailAtStart()
    {
        var options = new MBusOptions { Lines = { MBusLinePollerTests.Line(MBusLinePollerTests.Meter("home-12", "12", address: 300)) } };
        using var provider = Services(options, new RecordingSink(catalog), []).BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MBusOptions>>().Value);

        Assert.Contains("mbus:lines:0:meters:0:address: 300 is not a primary address", exception.Message, StringComparison.Ordinal);
    }

    private ServiceCollection Services(MBusOptions options, RecordingSink sink, Dictionary<string, ScriptedMBusReader> readers)
    {
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IReadingSink>(sink);
        services.AddSingleton<ISeriesCatalog>(catalog);
        services.AddSingleton<IMBusMeterReaderFactory>(new Factory(clock, readers));
        services.AddMBusPolling(options);
        return services;
    }

    /// <summary>The cellar's meter answers; the garage's does not.</summary>
    private sealed class Factory(FakeTimeProvider clock, Dictionary<string, ScriptedMBusReader> readers) : IMBusMeterReaderFactory
    {
        public IMBusMeterReader Create(string lineName, MBusLineOptions options)
        {
            Assert.Equal("/dev/ttyUSB0", options.DevicePath);
            var reader = new ScriptedMBusReader(clock);
            if (lineName == "cellar")
            {
                reader.SetMeter(MBusMeterAddress.Primary(5), ("energy", "Wh", 1000));
            }

            readers[lineName] = reader;
            return reader;
        }
    }
}
