using System.Text;
using BenchmarkDotNet.Attributes;
using Loos.Edge.Core;
using Loos.Edge.Core.LineProtocol;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// Parsing a 1,000-line write body (100 meters, 10 timestamps, two fields each, escaped tag values on every tenth
/// meter) into readings, as the HTTP listener does: time and allocations per line, with the series already interned.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class LineProtocolParserBenchmarks
{
    private const int Meters = 100;
    private const int Timestamps = 10;
    private const int Lines = Meters * Timestamps;

    private readonly SeriesCatalog catalog = new();
    private readonly List<Reading> readings = new(2 * Lines);
    private readonly DateTimeOffset now = new(2026, 1, 15, 6, 0, 0, TimeSpan.Zero);
    private LineProtocolParser parser = null!;
    private byte[] body = [];

    [GlobalSetup]
    public void Setup()
    {
        parser = new LineProtocolParser(catalog);
        var text = new StringBuilder();
        var start = now.ToUnixTimeMilliseconds() * 1_000_000;
        for (var t = 0; t < Timestamps; t++)
        {
            for (var m = 0; m < Meters; m++)
            {
                var building = m % 10 == 0 ? @"salle\ des\ fêtes" : "mairie";
                text.Append($"energy,building={building},meter=m{m} wh={1000.5 + t + m},power={m}i {start + (t * 1_000_000_000L)}\n");
            }
        }

        body = Encoding.UTF8.GetBytes(text.ToString());
        Parse();
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int Parse()
    {
        readings.Clear();
        if (!parser.TryParse(body, LineProtocolPrecision.Nanoseconds, now, readings, out var error))
        {
            throw new InvalidOperationException(error.ToString());
        }

        return readings.Count;
    }
}
