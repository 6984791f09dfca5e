using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Loos.Edge.Testing;

/// <summary>How to start an <see cref="InfluxdServer"/>.</summary>
public sealed record InfluxdOptions
{
    /// <summary>Turns on <c>[http] auth-enabled</c> and creates <see cref="AdminUser"/>; off by default.</summary>
    public bool AuthEnabled { get; init; }

    public string AdminUser { get; init; } = "admin";

    public string AdminPassword { get; init; } = "admin-password";

    /// <summary><c>[http] max-body-size</c> in bytes, to provoke 413; InfluxDB's default (25 MB) when null.</summary>
    public int? MaxBodySizeBytes { get; init; }
}

/// <summary>One series of an InfluxQL result.</summary>
/// <param name="Name">The measurement.</param>
/// <param name="Tags">The group-by tags, empty when not grouped.</param>
/// <param name="Columns">Column names, <c>time</c> first.</param>
/// <param name="Values">Rows; times are epoch milliseconds.</param>
public sealed record InfluxSeries(
    string Name,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<JsonElement>> Values)
{
    /// <summary>The value in <paramref name="column"/> of row <paramref name="row"/>.</summary>
    public JsonElement this[int row, string column]
    {
        get
        {
            var index = Columns.ToList().IndexOf(column);
            return index < 0 ? throw new KeyNotFoundException($"Column '{column}' not in [{string.Join(", ", Columns)}].") : Values[row][index];
        }
    }

    /// <summary>
    /// An aggregate in <paramref name="column"/> of row <paramref name="row"/>, 0 when null: influxd may list a series
    /// whose points are not readable yet, with null aggregates (none arrived so far).
    /// </summary>
    public double AggregateOrZero(int row, string column) => this[row, column] is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : 0;
}

/// <summary>
/// A real InfluxDB 1.x (<c>/usr/bin/influxd</c>, Debian package <c>influxdb</c>) on 127.0.0.1 with every
/// directory under its own temporary directory. Stop and start it again on the same data for outage tests.
/// </summary>
public sealed class InfluxdServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/influxd";

    private readonly InfluxdOptions options;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ServerProcess? process;

    private InfluxdServer(InfluxdOptions options, string directory)
    {
        this.options = options;
        Directory = directory;
        HttpPort = FreePort.Next();
        RpcPort = FreePort.Next();
        Url = new Uri($"http://127.0.0.1:{HttpPort}");
        ConfigFile = Path.Combine(directory, "influxdb.conf");
        LogFile = Path.Combine(directory, "influxd.log");
        File.WriteAllText(ConfigFile, BuildConfig());
    }

    /// <summary>The base URL, for example <c>http://127.0.0.1:40123</c>.</summary>
    public Uri Url { get; }

    public int HttpPort { get; }

    public int RpcPort { get; }

    /// <summary>The temporary directory holding data, config and log; deleted on dispose.</summary>
    public string Directory { get; }

    public string ConfigFile { get; }

    public string LogFile { get; }

    public InfluxdOptions Options => options;

    public bool IsRunning => process is { HasExited: false };

    /// <summary>Creates the directory and config, starts influxd and waits for <c>/ping</c>.</summary>
    /// <exception cref="InvalidOperationException">influxd is not installed, or exited during start-up.</exception>
    public static async Task<InfluxdServer> StartNewAsync(InfluxdOptions? options = null)
    {
        ServerProcess.RequireBinary(Binary, "influxdb influxdb-client");
        var directory = System.IO.Directory.CreateTempSubdirectory("loos-edge-influxd-").FullName;
        var server = new InfluxdServer(options ?? new InfluxdOptions(), directory);
        try
        {
            await server.StartAsync();
            if (server.options.AuthEnabled)
            {
                // With auth on and no user yet, influxd accepts exactly this statement unauthenticated.
                await server.ExecuteAsync(
                    $"CREATE USER \"{server.options.AdminUser}\" WITH PASSWORD '{server.options.AdminPassword}' WITH ALL PRIVILEGES");
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Starts influxd (again) on the same data, config and ports; waits for <c>/ping</c>.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        process = ServerProcess.Start(Binary, ["-config", ConfigFile], LogFile);
        await ServerWait.UntilReadyAsync(http, new Uri(Url, "/ping"), HttpStatusCode.NoContent, process, "influxd", LogFile, TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops influxd cleanly (SIGTERM), keeping its data.</summary>
    public void Stop() => Interlocked.Exchange(ref process, null)?.Stop(TimeSpan.FromSeconds(15));

    /// <summary>Kills influxd (SIGKILL), as a power cut would.</summary>
    public void Kill() => Interlocked.Exchange(ref process, null)?.KillNow();

    /// <summary>Runs <c>CREATE DATABASE</c>.</summary>
    public Task CreateDatabaseAsync(string database) => ExecuteAsync($"CREATE DATABASE \"{database}\"");

    /// <summary>Runs a statement that changes something (POST /query), as admin when auth is enabled.</summary>
    /// <exception cref="InvalidOperationException">influxd answered with an error.</exception>
    public async Task ExecuteAsync(string statement, string? database = null)
    {
        _ = await SendQueryAsync(HttpMethod.Post, statement, database);
    }

    /// <summary>Runs an InfluxQL query and returns the series of its first statement (times in epoch ms unless <paramref name="epoch"/> says otherwise: ns, u, ms, s).</summary>
    /// <exception cref="InvalidOperationException">influxd answered with an error.</exception>
    public async Task<IReadOnlyList<InfluxSeries>> QueryAsync(string database, string influxQL, string epoch = "ms")
    {
        using var document = await SendQueryAsync(HttpMethod.Get, influxQL, database, epoch);
        var result = document.RootElement.GetProperty("results")[0];
        var series = new List<InfluxSeries>();
        if (!result.TryGetProperty("series", out var seriesArray))
        {
            return series;
        }

        foreach (var item in seriesArray.EnumerateArray())
        {
            var tags = new Dictionary<string, string>();
            if (item.TryGetProperty("tags", out var tagObject))
            {
                foreach (var tag in tagObject.EnumerateObject())
                {
                    tags[tag.Name] = tag.Value.GetString() ?? string.Empty;
                }
            }

            var columns = item.GetProperty("columns").EnumerateArray().Select(c => c.GetString() ?? string.Empty).ToList();
            var values = item.GetProperty("values").EnumerateArray()
                .Select(row => (IReadOnlyList<JsonElement>)row.EnumerateArray().Select(v => v.Clone()).ToList())
                .ToList();
            series.Add(new InfluxSeries(item.GetProperty("name").GetString() ?? string.Empty, tags, columns, values));
        }

        return series;
    }

    /// <summary>Sends raw line protocol to <c>/write</c> (precision ms unless given), as admin when auth is enabled; returns status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> WriteLineProtocolAsync(string database, string lines, string precision = "ms")
    {
        var uri = new Uri(Url, $"/write?db={Uri.EscapeDataString(database)}&precision={precision}");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(lines, Encoding.UTF8) };
        AddAdminCredentials(request);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
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

    private async Task<JsonDocument> SendQueryAsync(HttpMethod method, string statement, string? database, string epoch = "ms")
    {
        var query = "epoch=" + epoch + "&q=" + Uri.EscapeDataString(statement) + (database is null ? string.Empty : "&db=" + Uri.EscapeDataString(database));
        using var request = new HttpRequestMessage(method, new Uri(Url, "/query?" + query));
        AddAdminCredentials(request);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"influxd answered {(int)response.StatusCode} to '{statement}': {body}");
        }

        var document = JsonDocument.Parse(body);
        foreach (var result in document.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                document.Dispose();
                throw new InvalidOperationException($"influxd rejected '{statement}': {error.GetString()}");
            }
        }

        return document;
    }

    private void AddAdminCredentials(HttpRequestMessage request)
    {
        if (options.AuthEnabled)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AdminUser}:{options.AdminPassword}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", token);
        }
    }

    private string BuildConfig()
    {
        string Dir(string name) => Path.Combine(Directory, name).Replace("\\", "/");
        var maxBody = options.MaxBodySizeBytes is { } bytes ? $"  max-body-size = {bytes.ToString(CultureInfo.InvariantCulture)}\n" : string.Empty;
        return $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{RpcPort}"

            [meta]
              dir = "{Dir("meta")}"

            [data]
              dir = "{Dir("data")}"
              wal-dir = "{Dir("wal")}"
              wal-fsync-delay = "0s"
              query-log-enabled = false

            [monitor]
              store-enabled = false

            [subscriber]
              enabled = false

            [continuous_queries]
              enabled = false

            [http]
              enabled = true
              bind-address = "127.0.0.1:{HttpPort}"
              auth-enabled = {(options.AuthEnabled ? "true" : "false")}
              log-enabled = true
              unix-socket-enabled = false
              pprof-enabled = false
            {maxBody}
            [[graphite]]
              enabled = false

            [[collectd]]
              enabled = false

            [[opentsdb]]
              enabled = false

            [[udp]]
              enabled = false

            """;
    }
}
