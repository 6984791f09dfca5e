using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Mqtt.Mapping;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// MQTT messages through the payload mapping into a real durable buffer on a temporary directory, as the MQTT client
/// hands them over: every figure is per message (OperationsPerInvoke = messages per invocation), so Mean is the time
/// per message and Allocated the bytes allocated per message, buffer writer included. <c>MapOnly</c> is the mapping
/// alone; the two others append each message's readings as it arrives, or 100 messages' readings at once. The
/// buffer commits without waiting for company (MaxCommitDelay 0), so one append per message is one fsync.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 5)]
public class MqttMappingBenchmarks
{
    private const int Messages = 100;
    private const int Devices = 10;

    private readonly SeriesCatalog catalog = new();
    private readonly List<Reading> readings = new(Messages * 8);
    private Reading[] appendBuffer = [];
    private string directory = string.Empty;
    private IDurableBuffer buffer = null!;
    private MqttPayloadMapper mapper = null!;
    private string[] topics = [];
    private ReadOnlySequence<byte>[] payloads = [];
    private DateTimeOffset receivedAt = new(2026, 1, 15, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A Zigbee2MQTT weather-sensor message (6 fields, ISO last_seen) or a line-protocol line of 5 fields.</summary>
    [Params("zigbee2mqtt", "line-protocol")]
    public string Payload { get; set; } = "zigbee2mqtt";

    [GlobalSetup]
    public void Setup()
    {
        directory = Path.Combine(Path.GetTempPath(), "loos-mqtt-bench", Guid.NewGuid().ToString("N"));
        buffer = DurableBuffer.Open(
            new BufferOptions { Directory = directory, MaxCommitDelay = TimeSpan.Zero, CapBytes = 256L << 20 },
            catalog,
            TimeProvider.System,
            NullLogger.Instance);
        mapper = MqttPayloadMapper.Create(
            [
                new MqttMappingOptions { Preset = "zigbee2mqtt" },
                new MqttMappingOptions { Topic = "meters/{building}/{meter}", Payload = "line-protocol", Precision = "ms" },
            ],
            Path.Combine(RepositoryRoot(), "firmware-config", "mqtt-presets"),
            catalog);
        topics = new string[Messages];
        payloads = new ReadOnlySequence<byte>[Messages];
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_764_115_200_000);
        for (var i = 0; i < Messages; i++)
        {
            var device = i % Devices;
            var time = start.AddSeconds(i);
            (topics[i], var text) = Payload == "zigbee2mqtt"
                ? ($"zigbee2mqtt/0x00158d00036c18{device:D2}", $$"""{"battery":86,"humidity":{{55.43 + i}},"linkquality":97,"pressure":1000.6,"temperature":{{22.75 + (i * 0.01)}},"voltage":2965,"last_seen":"{{time:yyyy-MM-ddTHH:mm:ss.fffzzz}}"}""")
                : ($"meters/mairie/m{device}", $"electricity,phase=L1 power={1520.5 + i},voltage=231.2,current=6.58,energy={123456 + i}i,pf=0.98 {time.ToUnixTimeMilliseconds()}");
            payloads[i] = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));
        }

        appendBuffer = new Reading[Messages * 8];

        // Warms the series caches, as a running gateway's are.
        MapAll();
        readings.Clear();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        buffer.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public int MapOnly()
    {
        MapAll();
        var count = readings.Count;
        readings.Clear();
        return count;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task MapAndAppendEachMessage()
    {
        for (var i = 0; i < Messages; i++)
        {
            Map(i);
            await AppendAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task MapAndAppendPer100Messages()
    {
        MapAll();
        await AppendAsync();
    }

    private void MapAll()
    {
        for (var i = 0; i < Messages; i++)
        {
            Map(i);
        }
    }

    private void Map(int i)
    {
        if (!mapper.TryMap(topics[i], payloads[i], receivedAt, readings, out var problem))
        {
            throw new InvalidOperationException(problem);
        }
    }

    private ValueTask AppendAsync()
    {
        readings.CopyTo(appendBuffer);
        var count = readings.Count;
        readings.Clear();
        return buffer.AppendAsync(appendBuffer.AsMemory(0, count));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Loos.Edge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Loos.Edge.sln above {AppContext.BaseDirectory}: run from inside the repository.");
    }
}
