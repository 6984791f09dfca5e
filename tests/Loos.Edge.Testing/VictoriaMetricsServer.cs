using System.Net;
using System.Text.Json;

namespace Loos.Edge.Testing;

/// <summary>One exported series: its labels (with <c>__name__</c>) and samples.</summary>
/// <param name="Labels">The labels; <c>__name__</c> is <c>measurement_field</c> for data written as InfluxDB line protocol.</param>
/// <param name="Values">The sample values.</param>
/// <param name="TimestampsMs">The sample times in epoch milliseconds.</param>
public sealed record VictoriaSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<double> Values, IReadOnlyList<long> TimestampsMs)
{
    /// <summary>The metric name (<c>__name__</c>).</summary>
    public string Name => Labels.TryGetValue("__name__", out var name) ? name : string.Empty;

    /// <summary>A stable text for the series: <c>name{a="1",b="2"}</c> with labels sorted by key.</summary>
    public string Key =>
        Name + "{" + string.Join(",", Labels.Where(l => l.Key != "__name__").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
}

/// <summary>
/// A real VictoriaMetrics (<c>/usr/bin/victoria-metrics</c>, Debian package <c>victoria-metrics</c>) on 127.0.0.1 with
/// its storage in a temporary directory. It accepts the InfluxDB v2 write API at <c>/api/v2/write</c>, storing
/// <c>measurement,tags field=v</c> as metric <c>measurement_field</c> with the tags as labels.
/// </summary>
public sealed class VictoriaMetricsServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/victoria-metrics";

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ServerProcess? process;

    private VictoriaMetricsServer(string directory)
    {
        Directory = directory;
        HttpPort = FreePort.Next();
        Url = new Uri($"http://127.0.0.1:{HttpPort}");
        LogFile = Path.Combine(directory, "victoria-metrics.log");
    }

    /// <summary>The base URL, for example <c>http://127.0.0.1:40123</c>.</summary>
    public Uri Url { get; }

    public int HttpPort { get; }

    /// <summary>The temporary directory holding data and log; deleted on dispose.</summary>
    public string Directory { get; }

    public string LogFile { get; }

    public bool IsRunning => process is { HasExited: false };

    /// <summary>Creates the directory, starts VictoriaMetrics and waits for <c>/health</c>.</summary>
    /// <exception cref="InvalidOperationException">VictoriaMetrics is not installed, or exited during start-up.</exception>
    public static async Task<VictoriaMetricsServer> StartNewAsync()
    {
        ServerProcess.RequireBinary(Binary, "victoria-metrics");
        var directory = System.IO.Directory.CreateTempSubdirectory("loos-edge-victoria-").FullName;
        var server = new VictoriaMetricsServer(directory);
        try
        {
            await server.StartAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Starts VictoriaMetrics (again) on the same data and port; waits for <c>/health</c>.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        string[] arguments =
        [
            "-storageDataPath=" + Path.Combine(Directory, "data"),
            "-httpListenAddr=127.0.0.1:" + HttpPort,
            "-retentionPeriod=100y",
            // Samples are visible to export at once instead of after the default 30 s.
            "-search.latencyOffset=0s",
            "-loggerLevel=INFO",
        ];
        process = ServerProcess.Start(Binary, arguments, LogFile);
        await ServerWait.UntilReadyAsync(http, new Uri(Url, "/health"), HttpStatusCode.OK, process, "victoria-metrics", LogFile, TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops VictoriaMetrics cleanly (SIGTERM), keeping its data.</summary>
    public void Stop() => Interlocked.Exchange(ref process, null)?.Stop(TimeSpan.FromSeconds(15));

    /// <summary>Kills VictoriaMetrics (SIGKILL).</summary>
    public void Kill() => Interlocked.Exchange(ref process, null)?.KillNow();

    /// <summary>Makes recently written samples searchable (<c>/internal/force_flush</c>).</summary>
    public async Task FlushAsync()
    {
        using var response = await http.GetAsync(new Uri(Url, "/internal/force_flush"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Flushes, then exports every series matching <paramref name="match"/> (all series by default) over all time.</summary>
    /// <exception cref="InvalidOperationException">VictoriaMetrics answered with an error.</exception>
    public async Task<IReadOnlyList<VictoriaSeries>> ExportAsync(string match = "{__name__!=\"\"}")
    {
        await FlushAsync();
        var uri = new Uri(Url, "/api/v1/export?start=0&match[]=" + Uri.EscapeDataString(match));
        using var response = await http.GetAsync(uri);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"victoria-metrics answered {(int)response.StatusCode} to export: {body}");
        }

        var series = new List<VictoriaSeries>();
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            var labels = document.RootElement.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty);
            var values = document.RootElement.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList();
            var timestamps = document.RootElement.GetProperty("timestamps").EnumerateArray().Select(v => v.GetInt64()).ToList();
            series.Add(new VictoriaSeries(labels, values, timestamps));
        }

        return series;
    }

    /// <summary>Per series <see cref="VictoriaSeries.Key"/>: how many samples it holds and their sum.</summary>
    public async Task<IReadOnlyDictionary<string, (int Count, double Sum)>> CountAndSumAsync(string match = "{__name__!=\"\"}")
    {
        var series = await ExportAsync(match);
        return series.GroupBy(s => s.Key).ToDictionary(
            g => g.Key,
            g => (g.Sum(s => s.Values.Count), g.Sum(s => s.Values.Sum())));
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        http.Dispose();
        await Task.Yield();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS's temp cleaner.
        }
    }
}
