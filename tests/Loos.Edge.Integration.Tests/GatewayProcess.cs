using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// The real <c>loos-edge</c> executable run as its own process on a site file, so that tests can post to its
/// listener, read its health endpoint, stop it with SIGTERM and kill it with SIGKILL as a power cut would.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private const int SignalHangUp = 1;
    private const int SignalTerminate = 15;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Process? process;

    private GatewayProcess(string siteFile, int listenerPort, int healthPort)
    {
        SiteFile = siteFile;
        ListenerUrl = new Uri($"http://127.0.0.1:{listenerPort}");
        HealthUrl = new Uri($"http://127.0.0.1:{healthPort}/health");
        LogFile = Path.Combine(Path.GetDirectoryName(siteFile)!, "gateway.log");
    }

    public string SiteFile { get; }

    public Uri ListenerUrl { get; }

    public Uri HealthUrl { get; }

    public string LogFile { get; }

    /// <summary>The loos-edge assembly built beside the tests.</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "loos-edge.dll");

    /// <summary>Variables set in the gateway's environment, as systemd sets NOTIFY_SOCKET and WATCHDOG_USEC.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>Writes the site file and starts the gateway; waits until its health endpoint answers.</summary>
    public static async Task<GatewayProcess> StartAsync(SiteFileBuilder site, IReadOnlyDictionary<string, string>? environment = null)
    {
        var path = site.Write();
        var gateway = new GatewayProcess(path, site.ListenerPort, site.HealthPort);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            gateway.Environment[name] = value;
        }

        await gateway.StartAsync();
        return gateway;
    }

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec dotnet '{Assembly}' run --config '{SiteFile}' >>'{LogFile}' 2>&1");
        foreach (var (name, value) in Environment)
        {
            info.Environment[name] = value;
        }

        process = Process.Start(info) ?? throw new InvalidOperationException("Could not start loos-edge.");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"loos-edge exited with {process.ExitCode} during start-up:\n{Tail()}");
            }

            try
            {
                using var response = await Http.GetAsync(HealthUrl);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"loos-edge did not answer on {HealthUrl} within 60 s:\n{Tail()}");
    }

    /// <summary>SIGKILL: no flush, no goodbye, as a power cut.</summary>
    public void Kill()
    {
        var running = Interlocked.Exchange(ref process, null);
        if (running is { HasExited: false })
        {
            running.Kill();
            running.WaitForExit();
        }

        running?.Dispose();
    }

    /// <summary>SIGHUP, as <c>systemctl reload</c> sends it.</summary>
    public void Reload() => _ = SendSignal(process?.Id ?? throw new InvalidOperationException("Not running."), SignalHangUp);

    /// <summary>SIGTERM, as systemd stops it; returns the exit code.</summary>
    public int Stop()
    {
        var running = Interlocked.Exchange(ref process, null) ?? throw new InvalidOperationException("Not running.");
        _ = SendSignal(running.Id, SignalTerminate);
        if (!running.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            running.Kill();
            throw new TimeoutException($"loos-edge did not stop within 30 s of SIGTERM:\n{Tail()}");
        }

        var exitCode = running.ExitCode;
        running.Dispose();
        return exitCode;
    }

    /// <summary>Posts line protocol to the v2 write API; returns the status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(string lines, string path = "/api/v2/write?precision=ms")
    {
        using var content = new StringContent(lines, Encoding.UTF8, "text/plain");
        var response = await Http.PostAsync(new Uri(ListenerUrl, path), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public async Task<JsonElement> HealthAsync()
    {
        var text = await Http.GetStringAsync(HealthUrl);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Polls the health endpoint until <paramref name="condition"/> holds.</summary>
    public async Task<JsonElement> WaitForHealthAsync(Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement health = default;
        while (DateTime.UtcNow < deadline)
        {
            health = await HealthAsync();
            if (condition(health))
            {
                return health;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Health never showed {what} within {timeout}; last: {health}\n{Tail()}");
    }

    /// <summary>
    /// Waits until the log holds <paramref name="text"/>: the console logger writes from its own queue, so a line may
    /// land a moment after what it reports shows on /health. Returns the whole log.
    /// </summary>
    public async Task<string> WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : string.Empty;
            if (log.Contains(text, StringComparison.Ordinal))
            {
                return log;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"The log never showed \"{text}\" within {timeout}:\n{Tail()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Runs another loos-edge verb to completion.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var cli = Process.Start(info)!;
        var output = cli.StandardOutput.ReadToEndAsync();
        var error = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (cli.ExitCode, await output, await error);
    }

    /// <summary>Waits up to 60 s until <paramref name="query"/>'s first value in influxd equals <paramref name="expected"/>; fails with the gateway's log tail.</summary>
    public async Task WaitForInfluxValueAsync(InfluxdServer influxd, string database, string query, double expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "nothing";
        while (DateTime.UtcNow < deadline)
        {
            var series = await influxd.QueryAsync(database, query);
            if (series.Count > 0)
            {
                var value = series[0][0, series[0].Columns[1]].GetDouble();
                if (Math.Abs(value - expected) < 1e-6)
                {
                    return;
                }

                last = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{query}: expected {expected}, got {last}\n{Tail()}");
    }

    public string Tail() => File.Exists(LogFile) ? string.Join('\n', File.ReadAllLines(LogFile).TakeLast(40)) : "(no log)";

    /// <summary>Kills the gateway and deletes its directory (site file, buffer, log).</summary>
    public ValueTask DisposeAsync()
    {
        Kill();
        Directory.Delete(Path.GetDirectoryName(SiteFile)!, recursive: true);
        return ValueTask.CompletedTask;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int processId, int signal);
}

/// <summary>Writes a site file for a test gateway in its own temporary directory.</summary>
public sealed class SiteFileBuilder
{
    private readonly List<string> targets = [];

    /// <summary>
    /// The <c>mqtt</c> section of a gateway named <paramref name="clientId"/> on the test broker at
    /// <paramref name="port"/>, reconnecting within a second and subscribed to the lighting controllers' status.
    /// </summary>
    public static string LightingMqttSection(int port, string clientId) => $"""
        mqtt:
          host: 127.0.0.1
          port: {port}
          clientId: {clientId}
          presetDirectory: {Path.Combine(RepositoryPaths.Root, "firmware-config", "mqtt-presets")}
          reconnect:
            minDelay: 00:00:00.200
            maxDelay: 00:00:01
          subscriptions:
            - preset: lighting-controller
        """;

    public SiteFileBuilder()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("loos-edge-gateway-").FullName;
        ListenerPort = FreePort.Next();
        HealthPort = FreePort.Next();
    }

    public string Directory { get; }

    public string BufferDirectory => Path.Combine(Directory, "buffer");

    public int ListenerPort { get; }

    public int HealthPort { get; }

    public long CapBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The site's <c>clock:trust</c>: <c>rtc</c> (believed from boot), since a test machine's kernel may never report NTP synchronisation.</summary>
    public string ClockTrust { get; set; } = "rtc";

    public long SegmentBytes { get; set; } = 4L * 1024 * 1024;

    public bool EvictWhenFull { get; set; } = true;

    /// <summary>The site's <c>buffer:syncInterval</c>; the default (30 s) when null.</summary>
    public TimeSpan? SyncInterval { get; set; }

    /// <summary>The site's <c>buffer:checkpointInterval</c>; the default (5 min) when null.</summary>
    public TimeSpan? CheckpointInterval { get; set; }

    /// <summary>The address health (and the management endpoints) listen on; loopback by default.</summary>
    public string HealthHost { get; set; } = "127.0.0.1";

    /// <summary>Where the site is, for its sun times (<c>site:latitude</c>, <c>site:longitude</c>); none by default.</summary>
    public (double Latitude, double Longitude)? Location { get; set; }

    /// <summary>How often the gateway writes its own state (<c>health:metricsInterval</c>); the default (1 min) when null.</summary>
    public TimeSpan? MetricsInterval { get; set; }

    /// <summary>Extra YAML appended as is, for tests of the site file itself.</summary>
    public string Extra { get; set; } = string.Empty;

    public SiteFileBuilder WithInfluxV1(string name, Uri url, string database, string? username = null, string? password = null)
    {
        var credentials = string.Empty;
        if (username is not null)
        {
            var passwordFile = Path.Combine(Directory, $"{name}.password");
            File.WriteAllText(passwordFile, password ?? string.Empty);
            credentials = $"\n      username: {username}\n      passwordFile: {name}.password";
        }

        targets.Add($"""
                - name: {name}
                  api: v1
                  url: {url}
                  database: {database}
                  batchMaxAge: 00:00:00.200{credentials}
            """);
        return this;
    }

    public SiteFileBuilder WithInfluxV2(string name, Uri url, string org, string bucket, string token)
    {
        File.WriteAllText(Path.Combine(Directory, $"{name}.token"), token);
        targets.Add($"""
                - name: {name}
                  api: v2
                  url: {url}
                  org: {org}
                  bucket: {bucket}
                  tokenFile: {name}.token
                  batchMaxAge: 00:00:00.200
            """);
        return this;
    }

    /// <summary>A whole site file written as it is instead of the one the other properties make (the demo's, say).</summary>
    public string? Text { get; set; }

    public string Write()
    {
        var text = Text ?? string.Create(CultureInfo.InvariantCulture, $"""
            site:
              name: test-site{(Location is { } location ? $"\n  latitude: {location.Latitude}\n  longitude: {location.Longitude}" : "")}
            clock:
              trust: {ClockTrust}
            buffer:
              directory: buffer
              capBytes: {CapBytes}
              segmentBytes: {SegmentBytes}
              evictWhenFull: {(EvictWhenFull ? "true" : "false")}{(SyncInterval is { } sync ? $"\n  syncInterval: {sync:hh\\:mm\\:ss}" : "")}{(CheckpointInterval is { } checkpoint ? $"\n  checkpointInterval: {checkpoint:hh\\:mm\\:ss}" : "")}
            forwarder:
              targets:
            {string.Join('\n', targets)}
            listener:
              address: 127.0.0.1:{ListenerPort}
            health:
              address: {HealthHost}:{HealthPort}{(MetricsInterval is { } interval ? $"\n  metricsInterval: {interval:hh\\:mm\\:ss}" : "")}
            {Extra}
            """);
        var path = Path.Combine(Directory, "site.yaml");
        File.WriteAllText(path, text);
        return path;
    }
}
