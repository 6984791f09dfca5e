using Loos.Edge.Core;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.SelfMetrics.Tests;

public sealed class SelfMetricsServiceTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-self-metrics-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task SampleAsync_AnHourOfUnsentReadings_WritesWhatHealthKnowsAsOnePoint()
    {
        var time = new FakeTimeProvider(Start);
        await using var gateway = new SelfMetricsHarness(directory, time);
        var filesAtStart = gateway.SegmentFileBytes;
        gateway.Forwarder.Targets.Add(new TargetStatus("central", "http://influx:8086/write", TargetState.CircuitOpen, Start, TimeSpan.FromSeconds(0.4), 40, 3, "refused", null));
        gateway.Devices.Devices.Add(new DeviceStatus("rs485", "meter-1", Answering: true));
        gateway.Devices.Devices.Add(new DeviceStatus("rs485", "meter-2", Answering: false, DroppedReadings: 7, BackedOff: true));
        gateway.Devices.Devices.Add(new DeviceStatus("mqtt", "broker", Answering: false));
        gateway.Broker.IsConnected = false;
        gateway.Clock.Problem = "the system clock is not synchronised";

        await gateway.AppendMeterReadingsAsync(1000);
        time.Advance(TimeSpan.FromHours(1));

        // The files on disk say how much was appended in the hour and how much room is left.
        var filesNow = gateway.SegmentFileBytes;
        await gateway.Service.SampleAsync(CancellationToken.None);
        var metrics = await gateway.SelfMetricsAsync();
        Assert.All(metrics, m => Assert.Equal(Start.AddHours(1), m.Time));
        double Field(string measurement, string? tag, string field) => Assert.Single(metrics, m => m.Measurement == measurement && m.Tag == tag && m.Field == field).Value;
        double Gateway(string field) => Field("loos_edge", null, field);

        Assert.Equal(1000, Gateway("readings_accepted"));
        Assert.Equal(7, Gateway("readings_dropped"));
        Assert.Equal(0, Gateway("readings_evicted"));
        Assert.Equal(filesNow, Gateway("buffer_bytes"));
        Assert.Equal(1000, Gateway("unsent_readings"));
        Assert.Equal(3600, Gateway("oldest_unsent_age_seconds"), 3);
        Assert.Equal((SelfMetricsHarness.CapBytes - filesNow) / (double)(filesNow - filesAtStart), Gateway("buffer_hours_left"), 6);
        Assert.Equal(0, Gateway("mqtt_connected"));
        Assert.Equal(0, Gateway("clock_synchronised"));
        Assert.True(Gateway("rss_bytes") > 1 << 20);
        Assert.Equal(12.5, Gateway("cpu_seconds"));
        Assert.Equal(3600, Gateway("uptime_seconds"));

        Assert.Equal(40, Field("loos_edge_target", "central", "forwarded_readings"));
        Assert.Equal(3, Field("loos_edge_target", "central", "dead_lettered_readings"));
        Assert.Equal(0.4, Field("loos_edge_target", "central", "lag_seconds"));
        Assert.Equal(3, Field("loos_edge_target", "central", "state_code"));

        Assert.Equal(1, Field("loos_edge_devices", "rs485", "online"));
        Assert.Equal(1, Field("loos_edge_devices", "rs485", "offline"));
        Assert.Equal(1, Field("loos_edge_devices", "rs485", "backed_off"));
        Assert.Equal(0, Field("loos_edge_devices", "mqtt", "online"));
        Assert.Equal(1, Field("loos_edge_devices", "mqtt", "offline"));
        Assert.Equal(0, Field("loos_edge_devices", "mqtt", "backed_off"));
    }

    [Fact]
    public async Task SampleAsync_NothingAppendedAndNoBroker_ReportsAYearLeftAndNoMqttField()
    {
        var time = new FakeTimeProvider(Start);
        await using var gateway = new SelfMetricsHarness(directory, time);
        var service = new SelfMetricsService(
            new SelfMetricsSettings("town-hall", TimeSpan.FromMinutes(1), gateway.StateFile),
            new SelfMetricsSources(gateway.Buffer, null, [], null, gateway.Clock, () => default),
            gateway.Buffer,
            gateway.Catalog,
            time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SelfMetricsService>.Instance);

        time.Advance(TimeSpan.FromMinutes(1));
        await service.SampleAsync(CancellationToken.None);

        var metrics = await gateway.SelfMetricsAsync();
        Assert.Equal(8760, Assert.Single(metrics, m => m.Field == "buffer_hours_left").Value);
        Assert.Equal(0, Assert.Single(metrics, m => m.Field == "oldest_unsent_age_seconds").Value);
        Assert.Equal(1, Assert.Single(metrics, m => m.Field == "clock_synchronised").Value);
        Assert.DoesNotContain(metrics, m => m.Field == "mqtt_connected");
        Assert.DoesNotContain(metrics, m => m.Measurement != "loos_edge");
    }

    [Fact]
    public async Task SampleAsync_StateWriteInterval_WritesTheTotalsAtMostThatOftenAndAtAStop()
    {
        var time = new FakeTimeProvider(Start);
        await using var gateway = new SelfMetricsHarness(directory, time);
        var service = new SelfMetricsService(
            new SelfMetricsSettings("town-hall", TimeSpan.FromMinutes(1), gateway.StateFile, TimeSpan.FromMinutes(5)),
            new SelfMetricsSources(gateway.Buffer, null, [], null, gateway.Clock, () => default),
            gateway.Buffer,
            gateway.Catalog,
            time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SelfMetricsService>.Instance);
        long Saved() => SelfMetricsStateFile.Read(gateway.StateFile, reason => Assert.Fail(reason)).AcceptedReadings;

        var saved = new List<long>();
        for (var minute = 1; minute <= 6; minute++)
        {
            await gateway.AppendMeterReadingsAsync(100);
            time.Advance(TimeSpan.FromMinutes(1));
            await service.SampleAsync(CancellationToken.None);
            saved.Add(Saved());
        }

        // Written at the first point, not again until five minutes later, whatever was counted meanwhile.
        Assert.True(saved[0] >= 100);
        Assert.Equal([saved[0], saved[0], saved[0], saved[0]], saved[1..5]);
        Assert.True(saved[5] >= saved[0] + 500);

        await gateway.AppendMeterReadingsAsync(100);
        await service.StopAsync(CancellationToken.None);
        Assert.Equal(gateway.Buffer.GetStatistics().AcceptedReadings, Saved());
    }

    [Fact]
    public async Task Restart_CountersContinueFromTheLastTotals_NeverDecrease()
    {
        var time = new FakeTimeProvider(Start);
        double acceptedBefore, forwardedBefore, droppedBefore;
        int firstPointReadings;
        await using (var first = new SelfMetricsHarness(directory, time))
        {
            first.Forwarder.Targets.Add(new TargetStatus("central", "http://influx:8086/write", TargetState.Healthy, Start, TimeSpan.Zero, 300, 2, null, null));
            first.Devices.Devices.Add(new DeviceStatus("rs485", "meter-2", Answering: true, DroppedReadings: 4));
            await first.AppendMeterReadingsAsync(500);
            time.Advance(TimeSpan.FromMinutes(1));
            await first.Service.SampleAsync(CancellationToken.None);
            var metrics = await first.SelfMetricsAsync();
            firstPointReadings = metrics.Count;
            acceptedBefore = metrics.Single(m => m.Field == "readings_accepted").Value;
            forwardedBefore = metrics.Single(m => m.Field == "forwarded_readings").Value;
            droppedBefore = metrics.Single(m => m.Field == "readings_dropped").Value;
            Assert.Equal((500, 300, 4), (acceptedBefore, forwardedBefore, droppedBefore));

            // Counted after the last point and before the stop: kept by the stop.
            await first.AppendMeterReadingsAsync(5);
            first.Forwarder.Targets[0] = first.Forwarder.Targets[0] with { ForwardedReadings = 310 };
            await first.Service.StopAsync(CancellationToken.None);
        }

        // A new process: the buffer and the forwarder count from zero again.
        time.Advance(TimeSpan.FromMinutes(1));
        await using var second = new SelfMetricsHarness(directory, time);
        second.Forwarder.Targets.Add(new TargetStatus("central", "http://influx:8086/write", TargetState.Starting, null, null, 20, 0, null, null));
        await second.AppendMeterReadingsAsync(10);
        time.Advance(TimeSpan.FromMinutes(1));
        await second.Service.SampleAsync(CancellationToken.None);

        var after = (await second.SelfMetricsAsync()).Where(m => m.Time == time.GetUtcNow()).ToList();
        Assert.Equal(500 + firstPointReadings + 5 + 10, after.Single(m => m.Field == "readings_accepted").Value);
        Assert.Equal(310 + 20, after.Single(m => m.Field == "forwarded_readings").Value);
        Assert.Equal(2, after.Single(m => m.Field == "dead_lettered_readings").Value);
        Assert.Equal(4, after.Single(m => m.Field == "readings_dropped").Value);
        Assert.DoesNotContain(after, m => m.Field == "lag_seconds");
    }

    [Fact]
    public async Task SampleAsync_BufferTakesReadingsOffItsEvictedCount_CounterHoldsItsHighestAcrossARestart()
    {
        var time = new FakeTimeProvider(Start);
        var buffer = new EvictedCountOverride();
        async Task<double> EvictedAsync(SelfMetricsHarness gateway)
        {
            buffer.Inner = gateway.Buffer;
            var service = new SelfMetricsService(
                new SelfMetricsSettings("town-hall", TimeSpan.FromMinutes(1), gateway.StateFile),
                new SelfMetricsSources(buffer, null, [], null, gateway.Clock, () => default),
                gateway.Buffer,
                gateway.Catalog,
                time,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<SelfMetricsService>.Instance);
            time.Advance(TimeSpan.FromMinutes(1));
            await service.SampleAsync(CancellationToken.None);
            return (await gateway.SelfMetricsAsync()).Last(m => m.Field == "readings_evicted").Value;
        }

        await using (var first = new SelfMetricsHarness(directory, time))
        {
            buffer.Evicted = 50;
            Assert.Equal(50, await EvictedAsync(first));

            // A batch read just before its segment went was delivered after all: health shows 40.
            buffer.Evicted = 40;
            Assert.Equal(50, await EvictedAsync(first));
        }

        await using var second = new SelfMetricsHarness(directory, time);
        buffer.Evicted = 45;
        Assert.Equal(50, await EvictedAsync(second));
        buffer.Evicted = 60;
        Assert.Equal(60, await EvictedAsync(second));
    }

    /// <summary>The real buffer's statistics with the evicted count a test sets.</summary>
    private sealed class EvictedCountOverride : IBufferMonitor
    {
        public IBufferMonitor? Inner { get; set; }

        public long Evicted { get; set; }

        public BufferStatistics GetStatistics() => Inner!.GetStatistics() with { EvictedReadings = Evicted };
    }

    [Fact]
    public async Task Restart_StateFileDamaged_StartsFromZeroAndSaysSo()
    {
        var time = new FakeTimeProvider(Start);
        await File.WriteAllBytesAsync(Path.Combine(directory, SelfMetricsStateFile.FileName), [(byte)'L', (byte)'E', (byte)'S', (byte)'M', 1, 0, 0, 0, 9]);
        var reasons = new List<string>();

        var totals = SelfMetricsStateFile.Read(Path.Combine(directory, SelfMetricsStateFile.FileName), reasons.Add);

        Assert.Equal(0, totals.AcceptedReadings);
        Assert.Equal(["truncated, or bad magic or CRC"], reasons);
        await using var gateway = new SelfMetricsHarness(directory, time);
        await gateway.AppendMeterReadingsAsync(3);
        time.Advance(TimeSpan.FromMinutes(1));
        await gateway.Service.SampleAsync(CancellationToken.None);
        Assert.Equal(3, (await gateway.SelfMetricsAsync()).Single(m => m.Field == "readings_accepted").Value);
    }

    [Fact]
    public async Task Read_StateFileOfANewerVersion_IsRefusedWithItsPath()
    {
        var path = Path.Combine(directory, SelfMetricsStateFile.FileName);
        SelfMetricsStateFile.Write(path, new CounterTotals(5, 0, 0, new Dictionary<string, TargetTotals>()));
        var data = await File.ReadAllBytesAsync(path);
        data[4] = 2;
        var crc = System.IO.Hashing.Crc32.HashToUInt32(data.AsSpan(0, data.Length - 4));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(data.Length - 4), crc);
        await File.WriteAllBytesAsync(path, data);

        var error = Assert.Throws<InvalidDataException>(() => SelfMetricsStateFile.Read(path, _ => { }));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Running_EveryInterval_AppendsOnePointAtEachTick()
    {
        var time = new FakeTimeProvider(Start);
        await using var gateway = new SelfMetricsHarness(directory, time);
        await gateway.Service.StartAsync(CancellationToken.None);

        // Twelve readings a point here (no target, no device); each tick is waited for before the next, as ticks that
        // fall due together make one.
        for (var minute = 1; minute <= 3; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (gateway.Buffer.GetStatistics().AcceptedReadings < 12 * minute && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }

        await gateway.Service.StopAsync(CancellationToken.None);
        var times = (await gateway.SelfMetricsAsync()).Select(m => m.Time).Distinct().ToList();
        Assert.Equal([Start.AddMinutes(1), Start.AddMinutes(2), Start.AddMinutes(3)], times);
    }
}
