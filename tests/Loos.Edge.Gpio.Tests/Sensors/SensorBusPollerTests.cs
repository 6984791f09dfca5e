using System.Device.I2c;
using Loos.Edge.Core;
using Loos.Edge.Gpio.Sensors;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Gpio.Tests.Sensors;

public sealed class SensorBusPollerTests : IDisposable
{
    private const string Pipe = "28-0316a2795aff";
    private static readonly DateTimeOffset Start = new(2026, 1, 14, 11, 59, 57, 300, TimeSpan.Zero);
    private static readonly DateTimeOffset Noon = new(2026, 1, 14, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider clock = new(Start);
    private readonly SeriesCatalog catalog = new();
    private readonly ListLogger logger = new();
    private readonly RecordingSink sink;
    private readonly W1Devices w1 = new();
    private readonly SimulatedBmx280 flat;
    private readonly SimulatedSht3x cellar;
    private readonly SensorReaderFactory readers;

    public SensorBusPollerTests()
    {
        sink = new RecordingSink(catalog);
        flat = new SimulatedBmx280(new I2cConnectionSettings(1, 0x76), SimulatedBmx280.Bme280ChipId, Bmx280Calibration.RealDevice);
        flat.Set(20.5, 52.0, 1012.0);
        cellar = new SimulatedSht3x(new I2cConnectionSettings(1, 0x44)) { TemperatureCelsius = 12.0, HumidityPercent = 78.0 };
        w1.Write("w1_bus_master1", Pipe, 45.5);
        readers = new SensorReaderFactory(w1.Root, settings => settings.DeviceAddress switch
        {
            0x76 => flat,
            0x44 => cellar,
            _ => throw new IOException("Error 121 performing I2C data transfer."),
        });
    }

    [Fact]
    public async Task PollDueAsync_SensorsOfDifferentIntervals_EachReadAtItsOwnAlignedTicks()
    {
        using var poller = CreatePoller(
            new SensorOptions { Name = "flat-12", Type = "bme280", Home = "12", Interval = TimeSpan.FromMinutes(1) },
            new SensorOptions { Name = "cellar", Type = "sht3x", Interval = TimeSpan.FromMinutes(5) });

        for (var cycle = 0; cycle < 6; cycle++)
        {
            await PollAtNextTickAsync(poller);
        }

        Assert.Equal(Enumerable.Range(0, 6).Select(m => Noon.AddMinutes(m)), sink.Of("flat-12", "temperature").Select(x => x.Reading.Timestamp));
        Assert.Equal([Noon, Noon.AddMinutes(5)], sink.Of("cellar", "humidity").Select(x => x.Reading.Timestamp));
        Assert.Equal(6, flat.Conversions);
        Assert.Equal(4, cellar.Measurements); // one for the temperature, one for the humidity
        Assert.All(sink.All, x => Assert.Equal(Quality.Good, x.Reading.Quality));
        var pressure = Assert.Single(sink.Of("flat-12", "pressure").Take(1));
        Assert.Equal(1012.0, pressure.Reading.Value, 0.01);
        Assert.Equal(("environment", "hPa", "12"), (pressure.Series.Measurement, pressure.Series.Unit, pressure.Series.GetTag("home")));
        Assert.Equal(52.0, sink.Of("flat-12", "humidity")[0].Reading.Value, 0.05);
        Assert.Equal(78.0, sink.Of("cellar", "humidity")[0].Reading.Value, 0.05);
        Assert.DoesNotContain(sink.All, x => x.Series.GetTag("device") == "cellar" && x.Series.Field == "pressure");
    }

    [Fact]
    public async Task PollDueAsync_LateWakeUp_StampedWithTheLatestTickAndMissedTicksNotCaughtUp()
    {
        using var poller = CreatePoller(new SensorOptions { Name = "flat-12", Type = "bme280" });
        await PollAtNextTickAsync(poller);

        clock.SetUtcNow(Noon.AddMinutes(3).AddSeconds(20));
        await poller.PollDueAsync(CancellationToken.None);

        Assert.Equal([Noon, Noon.AddMinutes(3)], sink.Of("flat-12", "temperature").Select(x => x.Reading.Timestamp));
        Assert.Equal(Noon.AddMinutes(4), poller.NextDue);
    }

    [Fact]
    public async Task PollDueAsync_Offsets_AddedToEachQuantityAndHumidityKeptWithin100()
    {
        flat.Set(20.5, 99.0, 1012.0);
        using var poller = CreatePoller(new SensorOptions
        {
            Name = "flat-12",
            Type = "bme280",
            Offset = { Temperature = -0.5, Humidity = 3, Pressure = 1.25 },
        });

        await PollAtNextTickAsync(poller);

        Assert.Equal(20.0, sink.Of("flat-12", "temperature")[0].Reading.Value, 0.01);
        Assert.Equal(100.0, sink.Of("flat-12", "humidity")[0].Reading.Value);
        Assert.Equal(1013.25, sink.Of("flat-12", "pressure")[0].Reading.Value, 0.01);
    }

    [Fact]
    public async Task PollDueAsync_I2cSensorUnpluggedThenBack_StaleReadingsOneLogEachWayHealthAndComesBackByItself()
    {
        using var poller = CreatePoller(
            new SensorOptions { Name = "flat-12", Type = "bme280", Interval = TimeSpan.FromMinutes(1) },
            new SensorOptions { Name = "cellar", Type = "sht3x", Interval = TimeSpan.FromMinutes(1) });
        await PollAtNextTickAsync(poller);
        flat.Answering = false;

        for (var cycle = 1; cycle <= 8; cycle++)
        {
            await PollAtNextTickAsync(poller);
        }

        // Missing from tick 1: probed at ticks 1 and 2, then after doubling back-offs of 2 and 4 min: ticks 4 and 8.
        var missing = sink.All.Where(x => x.Series.GetTag("device") == "flat-12" && x.Reading.Timestamp > Noon).ToList();
        Assert.Equal(8 * 3, missing.Count);
        Assert.All(missing, x => Assert.True(x.Reading.Quality == Quality.Stale && double.IsNaN(x.Reading.Value)));
        Assert.Equal(DeviceState.Offline, poller.StateOf("flat-12"));
        Assert.Equal([new DeviceStatus("i2c-1", "flat-12", false, BackedOff: true), new DeviceStatus("i2c-1", "cellar", true)], poller.DeviceStatuses);
        var warning = Assert.Single(logger.AtLeast(LogLevel.Warning));
        Assert.Contains("flat-12", warning, StringComparison.Ordinal);
        Assert.Contains("i2c-1", warning, StringComparison.Ordinal);
        Assert.Contains("0x76", warning, StringComparison.Ordinal);
        Assert.Contains("Error 121", warning, StringComparison.Ordinal);
        Assert.All(sink.Of("cellar", "temperature"), x => Assert.Equal(Quality.Good, x.Reading.Quality));

        // Plugged back (after a power cycle): read again at its next probe, 5 min (the longest back-off) after tick 8.
        flat.Answering = true;
        flat.Set(19.0, 50.0, 1005.0);
        for (var cycle = 9; cycle <= 16; cycle++)
        {
            await PollAtNextTickAsync(poller);
        }

        Assert.Equal(DeviceState.Online, poller.StateOf("flat-12"));
        Assert.True(poller.DeviceStatuses.All(s => s.Answering));
        var back = Assert.Single(logger.AtLeast(LogLevel.Information), m => m.Contains("answers again", StringComparison.Ordinal));
        Assert.Contains("i2c-1", back, StringComparison.Ordinal);
        Assert.Contains("0x76", back, StringComparison.Ordinal);
        Assert.Single(logger.AtLeast(LogLevel.Warning));
        var afterReturn = sink.Of("flat-12", "temperature").Where(x => x.Reading.Quality == Quality.Good && x.Reading.Timestamp > Noon).ToList();
        Assert.Equal(Noon.AddMinutes(13), afterReturn[0].Reading.Timestamp);
        Assert.Equal(19.0, afterReturn[0].Reading.Value, 0.01);
        Assert.Equal(1005.0, sink.Of("flat-12", "pressure")[^1].Reading.Value, 0.01);
    }

    [Fact]
    public async Task PollDueAsync_OneWireSensorGoneCrcAndPowerOnReset_StaleThenBack()
    {
        using var poller = CreatePoller(new SensorOptions { Name = "heating-flow", Type = "ds18b20", DeviceId = Pipe, Interval = TimeSpan.FromSeconds(30) });
        await PollAtNextTickAsync(poller);

        w1.Remove("w1_bus_master1", Pipe);
        await PollAtNextTickAsync(poller);
        w1.WriteCrcMismatch("w1_bus_master1", Pipe, 46.0);
        await PollAtNextTickAsync(poller);
        w1.WritePowerOnReset("w1_bus_master1", Pipe);
        await PollAtNextTickAsync(poller);
        w1.Write("w1_bus_master1", Pipe, 47.25);
        for (var cycle = 0; cycle < 4; cycle++)
        {
            await PollAtNextTickAsync(poller);
        }

        var readings = sink.Of("heating-flow", "temperature");
        Assert.Equal(45.5, readings[0].Reading.Value);
        Assert.Equal([Quality.Stale, Quality.Stale, Quality.Stale], readings.Skip(1).Take(3).Select(x => x.Reading.Quality));
        Assert.DoesNotContain(readings, x => x.Reading.Value is 85.0 or 46.0);
        Assert.Equal(47.25, readings[^1].Reading.Value);
        Assert.Equal(Quality.Good, readings[^1].Reading.Quality);
        Assert.Equal(Enumerable.Range(0, readings.Count).Select(i => Noon.AddSeconds(30 * i)), readings.Select(x => x.Reading.Timestamp));
        var warning = Assert.Single(logger.AtLeast(LogLevel.Warning));
        Assert.Contains("w1_bus_master1", warning, StringComparison.Ordinal);
        Assert.Contains(Pipe, warning, StringComparison.Ordinal);
        Assert.Contains("not found on the bus", warning, StringComparison.Ordinal);
        Assert.Single(logger.AtLeast(LogLevel.Information), m => m.Contains("answers again", StringComparison.Ordinal));
        Assert.Equal(DeviceState.Online, poller.StateOf("heating-flow"));
    }

    [Fact]
    public async Task PollDueAsync_BeforeAnyAnswer_StaleReadingsForEveryQuantityOfTheType()
    {
        flat.Answering = false;
        using var poller = CreatePoller(new SensorOptions { Name = "flat-12", Type = "bme280" });

        await PollAtNextTickAsync(poller);

        Assert.Equal(["temperature", "humidity", "pressure"], sink.All.Select(x => x.Series.Field));
        Assert.All(sink.All, x => Assert.Equal(Quality.Stale, x.Reading.Quality));
        Assert.False(Assert.Single(poller.DeviceStatuses).Answering);
    }

    [Fact]
    public async Task PollDueAsync_BufferRefusesTheReadings_CountedAsDroppedOnTheSensorInHealthAndLoggedOncePerMinute()
    {
        var full = new RefusingSink(sink) { Full = true };
        var options = new GpioOptions();
        options.Sensors.Add(new SensorOptions { Name = "flat-12", Type = "bme280", Home = "12", Interval = TimeSpan.FromMinutes(1) });
        options.Sensors.Add(new SensorOptions { Name = "cellar", Type = "sht3x", Interval = TimeSpan.FromMinutes(1) });
        var plans = SensorPlanner.Plan(options, []);
        using var poller = new SensorBusPoller("i2c-1", plans, readers, full, catalog, clock, logger);

        await PollAtNextTickAsync(poller);
        await PollAtNextTickAsync(poller);
        full.Full = false;
        await PollAtNextTickAsync(poller);

        // Three readings of flat-12 (temperature, humidity, pressure) and two of cellar per tick, two ticks refused.
        Assert.Equal([new DeviceStatus("i2c-1", "flat-12", true, DroppedReadings: 6), new DeviceStatus("i2c-1", "cellar", true, DroppedReadings: 4)], poller.DeviceStatuses);
        Assert.Equal(5, sink.All.Count);

        // Four batches refused over two ticks a minute apart: one line per minute, the second counting what it covers.
        var refused = logger.AtLeast(LogLevel.Error);
        Assert.Equal(2, refused.Count);
        Assert.Contains("Sensors on i2c-1: the buffer refused readings; dropped since the last report: ", refused[1], StringComparison.Ordinal);
        Assert.EndsWith("in 2 batch(es); the next polls bring fresh values: the buffer is at its disk cap", refused[1], StringComparison.Ordinal);
    }

    /// <summary>Refuses every batch with <see cref="BufferFullException"/> while <see cref="Full"/>, as a buffer at its disk cap does.</summary>
    private sealed class RefusingSink(IReadingSink inner) : IReadingSink
    {
        public bool Full { get; set; }

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) =>
            Full ? throw new BufferFullException("the buffer is at its disk cap") : inner.AppendAsync(readings, cancellationToken);
    }

    public void Dispose() => w1.Dispose();

    private SensorBusPoller CreatePoller(params SensorOptions[] sensors)
    {
        var options = new GpioOptions();
        options.Sensors.AddRange(sensors);
        var problems = new ConfigurationProblems();
        var plans = SensorPlanner.Plan(options, problems);
        Assert.Empty(problems);
        var bus = Assert.Single(plans.Select(p => p.Bus).Distinct());
        return new SensorBusPoller(bus, plans, readers, sink, catalog, clock, logger);
    }

    private async Task PollAtNextTickAsync(SensorBusPoller poller)
    {
        clock.SetUtcNow(poller.NextDue.AddMilliseconds(150));
        await poller.PollDueAsync(CancellationToken.None);
    }
}
