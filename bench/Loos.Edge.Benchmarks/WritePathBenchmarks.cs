using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using InfluxDB.Client;
using WritePrecision = InfluxDB.Client.Api.Domain.WritePrecision;
using InfluxDB.Client.Writes;
using Loos.Edge.Core;
using Loos.Edge.Forwarding;
using Loos.Edge.Forwarding.LineProtocol;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// Writing one batch of 10,000 readings, gzip-compressed, to a real VictoriaMetrics <c>/api/v2/write</c> on
/// loopback: the forwarder's encoder and HTTP writer against InfluxDB.Client's <c>WriteApiAsync.WritePointsAsync</c>
/// (points built from the same readings). Needs <c>/usr/bin/victoria-metrics</c> (Debian package victoria-metrics).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class WritePathBenchmarks
{
    private const int Meters = 100;
    private const int Timestamps = 100;

    private readonly SeriesCatalog catalog = new();
    private readonly LineProtocolBuffer buffer = new(2 * 1024 * 1024);
    private Reading[] readings = [];
    private LineProtocolEncoder encoder = null!;
    private InfluxWriter writer = null!;
    private InfluxDBClient client = null!;
    private WriteApiAsync writeApi = null!;
    private Process? server;
    private string directory = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        const string Binary = "/usr/bin/victoria-metrics";
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: install it with 'apt-get install -y victoria-metrics'.");
        }

        directory = Directory.CreateTempSubdirectory("loos-edge-bench-victoria-").FullName;
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-storageDataPath=" + Path.Combine(directory, "data"));
        info.ArgumentList.Add("-httpListenAddr=127.0.0.1:" + port);
        info.ArgumentList.Add("-retentionPeriod=100y");
        server = Process.Start(info)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var url = $"http://127.0.0.1:{port}";
        using (var http = new HttpClient())
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    if (http.GetAsync(url + "/health").GetAwaiter().GetResult().IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                }

                Thread.Sleep(50);
            }
        }

        var ids = Enumerable.Range(0, Meters)
            .Select(m => catalog.Intern(new SeriesKey("energy", [new Tag("building", "mairie"), new Tag("meter", $"m{m}")], "wh", "Wh")))
            .ToArray();
        var start = new DateTimeOffset(2026, 1, 15, 6, 0, 0, TimeSpan.Zero);
        readings = [.. Enumerable.Range(0, Timestamps).SelectMany(t => ids.Select((id, m) => new Reading(id, start.AddSeconds(t), 1000.5 + t + m)))];

        var tokenFile = Path.Combine(directory, "token");
        File.WriteAllText(tokenFile, "bench");
        encoder = new LineProtocolEncoder(catalog);
        writer = new InfluxWriter(
            new TargetOptions { Name = "bench", Api = InfluxApi.V2, Url = url, Org = "loos", Bucket = "energy", TokenFile = tokenFile, Gzip = true },
            TimeProvider.System);
        client = new InfluxDBClient(new InfluxDBClientOptions(url) { Token = "bench", Org = "loos", Bucket = "energy" });
        client.EnableGzip();
        writeApi = client.GetWriteApiAsync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        writer.Dispose();
        client.Dispose();
        if (server is { HasExited: false })
        {
            server.Kill();
            server.WaitForExit();
        }

        Directory.Delete(directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task InfluxDbClientWritePoints()
    {
        var points = new List<PointData>(readings.Length);
        foreach (var reading in readings)
        {
            var key = catalog[reading.Series];
            var point = PointData.Measurement(key.Measurement);
            foreach (var tag in key.Tags)
            {
                point = point.Tag(tag.Key, tag.Value);
            }

            points.Add(point.Tag("unit", key.Unit).Field(key.Field, reading.Value).Timestamp(reading.Timestamp.ToUnixTimeMilliseconds(), WritePrecision.Ms));
        }

        await writeApi.WritePointsAsync(points, "energy", "loos");
    }

    [Benchmark]
    public async Task LoosEdgeWriter()
    {
        buffer.Clear();
        encoder.Encode(readings, buffer);
        var result = await writer.WriteAsync(buffer.Written, CancellationToken.None);
        if (result.Outcome != WriteOutcome.Accepted)
        {
            throw new InvalidOperationException($"The write failed: {result}");
        }
    }
}
