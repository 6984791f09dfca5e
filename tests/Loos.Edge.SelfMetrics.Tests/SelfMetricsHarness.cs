using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Core.Clock;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.SelfMetrics.Tests;

/// <summary>
/// A real buffer in a directory of its own, on a fake clock, with the forwarder, devices, broker and clock set by the
/// test: one gateway "process" that can be stopped and started again on the same directory.
/// </summary>
internal sealed class SelfMetricsHarness : IAsyncDisposable
{
    public const long CapBytes = 4L << 20;

    public SelfMetricsHarness(string directory, FakeTimeProvider time)
    {
        Directory = directory;
        Time = time;
        Buffer = DurableBuffer.Open(
            new BufferOptions { Directory = Path.Combine(directory, "buffer"), MaxCommitDelay = TimeSpan.Zero, CapBytes = CapBytes, SegmentBytes = CapBytes / 2 },
            Catalog,
            time,
            NullLogger.Instance);

        // The forwarding target's consumer exists from the start, as the forwarder opens it at start.
        Buffer.OpenConsumer("central");
        Service = new SelfMetricsService(
            new SelfMetricsSettings("town-hall", TimeSpan.FromMinutes(1), StateFile),
            new SelfMetricsSources(Buffer, Forwarder, [Devices], Broker, Clock, () => new ProcessUsage(Environment.WorkingSet, TimeSpan.FromSeconds(12.5))),
            Buffer,
            Catalog,
            time,
            NullLogger<SelfMetricsService>.Instance);
    }

    public string Directory { get; }

    public string StateFile => Path.Combine(Directory, SelfMetricsStateFile.FileName);

    public FakeTimeProvider Time { get; }

    public SeriesCatalog Catalog { get; } = new();

    public IDurableBuffer Buffer { get; }

    public StubForwarder Forwarder { get; } = new();

    public StubDevices Devices { get; } = new();

    public StubBroker Broker { get; } = new();

    public StubClock Clock { get; } = new();

    public SelfMetricsService Service { get; }

    /// <summary>The bytes of every segment file, read from the file system.</summary>
    public long SegmentFileBytes => new DirectoryInfo(Path.Combine(Directory, "buffer")).GetFiles("*.seg").Sum(f => f.Length);

    /// <summary>Appends <paramref name="count"/> readings of a meter, stamped now.</summary>
    public async Task AppendMeterReadingsAsync(int count)
    {
        var series = Catalog.Intern(new SeriesKey("meter", [new Tag("home", "7")], "energy", "Wh"));
        var now = Time.GetUtcNow();
        await Buffer.AppendAsync(Enumerable.Range(0, count).Select(i => new Reading(series, now.AddTicks(i), i)).ToArray());
    }

    /// <summary>Every self-metric reading in the buffer, in order, as (measurement, tag value, field, time, value).</summary>
    public async Task<List<(string Measurement, string? Tag, string Field, DateTimeOffset Time, double Value)>> SelfMetricsAsync()
    {
        var consumer = Buffer.OpenConsumer("check");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var batch = await consumer.ReadAsync(100_000, TimeSpan.Zero, timeout.Token);
        var result = new List<(string, string?, string, DateTimeOffset, double)>();
        foreach (var reading in batch.Readings.ToArray())
        {
            var key = Catalog[reading.Series];
            if (key.Measurement.StartsWith("loos_edge", StringComparison.Ordinal))
            {
                Assert.Equal("town-hall", key.GetTag("site"));
                Assert.Equal(string.Empty, key.Unit);
                result.Add((key.Measurement, key.GetTag("target") ?? key.GetTag("source"), key.Field, reading.Timestamp, reading.Value));
            }
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        Service.Dispose();
        await Buffer.DisposeAsync();
    }

    internal sealed class StubForwarder : IForwarderMonitor
    {
        public List<TargetStatus> Targets { get; } = [];

        public IReadOnlyList<TargetStatus> GetTargets() => [.. Targets];
    }

    internal sealed class StubDevices : IDeviceMonitor
    {
        public List<DeviceStatus> Devices { get; } = [];

        public IReadOnlyList<DeviceStatus> GetDevices() => [.. Devices];
    }

    internal sealed class StubBroker : IBrokerConnectionMonitor
    {
        public bool IsConnected { get; set; } = true;
    }

    internal sealed class StubClock : IClockTrust
    {
        public string? Problem { get; set; }

        public string? WhyNotTrusted() => Problem;
    }
}
