using System.Text;
using BenchmarkDotNet.Attributes;
using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Core.LineProtocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// What the HTTP listener does with a write body once it is read: parse 5,000 lines (100 meters, one field each, as
/// bench/end-to-end-vs-vmagent.sh posts them) into pooled readings, stamp them and append them to a real durable
/// buffer in a temporary folder, fsync included. One operation is one body: Allocated is the bytes per body, which
/// must not grow with the number of lines (0 B per reading).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class ListenerAppendBenchmarks
{
    private const int Meters = 100;
    private const int Lines = 5000;

    private readonly SeriesCatalog catalog = new();
    private readonly DateTimeOffset start = new(2026, 1, 15, 6, 0, 0, TimeSpan.Zero);
    private LineProtocolParser parser = null!;
    private ReceiveTimeStamper stamper = null!;
    private IDurableBuffer buffer = null!;
    private string directory = string.Empty;
    private byte[] body = [];

    [GlobalSetup]
    public void Setup()
    {
        directory = Directory.CreateTempSubdirectory("loos-edge-bench-listener-").FullName;
        buffer = DurableBuffer.Open(
            new BufferOptions { Directory = directory, CapBytes = 256L << 20 },
            catalog,
            TimeProvider.System,
            NullLogger.Instance);
        parser = new LineProtocolParser(catalog);
        stamper = ReceiveTimeStamper.For(catalog);
        var text = new StringBuilder();
        var startMilliseconds = start.ToUnixTimeMilliseconds();
        for (var i = 0; i < Lines; i++)
        {
            text.Append($"listener_bench,meter=m{i % Meters:0000} energy={1000 + (i * 0.5)} {startMilliseconds + ((i / Meters) * 1000)}\n");
        }

        body = Encoding.UTF8.GetBytes(text.ToString());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        buffer.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Benchmark]
    public async Task<int> ParseAndAppendBody()
    {
        using var readings = PooledReadings.Rent();
        if (!parser.TryParse(body, LineProtocolPrecision.Milliseconds, ReceiveTimeStamper.Unstamped, readings.List, out var error))
        {
            throw new InvalidOperationException(error.ToString());
        }

        stamper.Stamp(readings.Span, start);
        await buffer.AppendAsync(readings.AsMemory());
        return readings.List.Count;
    }
}
