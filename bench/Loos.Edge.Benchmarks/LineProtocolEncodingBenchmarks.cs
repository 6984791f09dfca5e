using System.Text;
using BenchmarkDotNet.Attributes;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using Loos.Edge.Core;
using Loos.Edge.Forwarding.LineProtocol;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// Encoding one batch of 10,000 readings (20 meters × 5 fields × 100 timestamps) as line protocol: the
/// forwarder's encoder against InfluxDB.Client's <c>PointData.ToLineProtocol()</c>. With <see cref="Adjacent"/>,
/// a meter's five fields share a timestamp and both sides write one line per meter and timestamp.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class LineProtocolEncodingBenchmarks
{
    private const int Meters = 20;
    private const int Fields = 5;
    private const int Timestamps = 100;

    private readonly SeriesCatalog catalog = new();
    private readonly LineProtocolBuffer buffer = new(2 * 1024 * 1024);
    private readonly StringBuilder clientText = new(2 * 1024 * 1024);
    private Reading[] readings = [];
    private int[] lineStarts = [];
    private LineProtocolEncoder encoder = null!;

    /// <summary>Whether a meter's fields are adjacent with one timestamp (one line each side) or each field on its own.</summary>
    [Params(true, false)]
    public bool Adjacent { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string[] fieldNames = ["energy", "power", "voltage", "current", "frequency"];
        var ids = new SeriesId[Meters, Fields];
        for (var m = 0; m < Meters; m++)
        {
            for (var f = 0; f < Fields; f++)
            {
                ids[m, f] = catalog.Intern(new SeriesKey("inverter", [new Tag("building", "mairie"), new Tag("meter", $"pv-{m}")], fieldNames[f], f == 0 ? "Wh" : "W"));
            }
        }

        var start = new DateTimeOffset(2026, 1, 15, 6, 0, 0, TimeSpan.Zero);
        var list = new List<Reading>(Meters * Fields * Timestamps);
        var starts = new List<int>();
        for (var t = 0; t < Timestamps; t++)
        {
            for (var m = 0; m < Meters; m++)
            {
                for (var f = 0; f < Fields; f++)
                {
                    // Not adjacent: each field at its own millisecond, so no two readings can share a line.
                    var at = Adjacent ? start.AddSeconds(t) : start.AddSeconds(t).AddMilliseconds(f);
                    if (!Adjacent || f == 0 || f == 1)
                    {
                        starts.Add(list.Count); // Energy (Wh) and power (W) start new lines: the unit is a tag.
                    }

                    list.Add(new Reading(ids[m, f], at, 1000.5 + (t * 0.25) + m + f));
                }
            }
        }

        readings = [.. list];
        starts.Add(readings.Length);
        lineStarts = [.. starts];
        encoder = new LineProtocolEncoder(catalog);
    }

    [Benchmark(Baseline = true)]
    public int InfluxDbClientPointData()
    {
        clientText.Clear();
        for (var line = 0; line < lineStarts.Length - 1; line++)
        {
            var first = readings[lineStarts[line]];
            var key = catalog[first.Series];
            var point = PointData.Measurement(key.Measurement);
            foreach (var tag in key.Tags)
            {
                point = point.Tag(tag.Key, tag.Value);
            }

            point = point.Tag("unit", key.Unit);
            for (var i = lineStarts[line]; i < lineStarts[line + 1]; i++)
            {
                point = point.Field(catalog[readings[i].Series].Field, readings[i].Value);
            }

            point = point.Timestamp(first.Timestamp.ToUnixTimeMilliseconds(), WritePrecision.Ms);
            clientText.Append(point.ToLineProtocol()).Append('\n');
        }

        return clientText.Length;
    }

    [Benchmark]
    public int LoosEdgeEncoder()
    {
        buffer.Clear();
        encoder.Encode(readings, buffer);
        return buffer.WrittenCount;
    }
}
