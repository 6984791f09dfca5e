using Loos.Edge.Testing;

namespace Loos.Edge.Install.Tests;

/// <summary>
/// An install by the real install.sh into a scratch root (LOOS_EDGE_ROOT: /opt, /etc, /var/lib and /usr/local/bin under
/// a temporary folder, the machine's accounts untouched), with systemctl replaced by systemctl-supervisor.sh beside
/// this file, since the test machine does not run systemd: it runs the unit's ExecStart as a background process.
/// </summary>
public sealed class ScratchInstall : IAsyncDisposable
{
    public const int ReadySeconds = 30;
    private static readonly string Supervisor = Path.Combine(RepositoryPaths.Root, "tests", "Loos.Edge.Install.Tests", "systemctl-supervisor.sh");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public ScratchInstall()
    {
        Root = Directory.CreateTempSubdirectory("loos-edge-install-").FullName;
        HealthPort = FreePort.Next();
        ListenerPort = FreePort.Next();
    }

    public string Root { get; }

    public int HealthPort { get; }

    public int ListenerPort { get; }

    public string Configuration => Path.Combine(Root, "etc", "loos-edge");

    public string SiteFile => Path.Combine(Configuration, "site.yaml");

    public string Program => Path.Combine(Root, "opt", "loos-edge");

    public string Data => Path.Combine(Root, "var", "lib", "loos-edge");

    public Uri HealthUrl => new($"http://127.0.0.1:{HealthPort}/health");

    /// <summary>
    /// The technician's site file: simulated devices, the buffer under the scratch root's /var/lib/loos-edge, a target
    /// nobody listens on (the gateway buffers meanwhile), free ports for the listener and health.
    /// </summary>
    public void WriteSiteFile(string extra = "")
    {
        Directory.CreateDirectory(Configuration);
        File.WriteAllText(SiteFile, $"""
            site:
              name: install-test
            buffer:
              directory: {Path.Combine(Data, "buffer")}
            forwarder:
              targets:
                - name: central
                  api: v1
                  url: http://127.0.0.1:{FreePort.Next()}
                  database: loos_edge
            listener:
              address: 127.0.0.1:{ListenerPort}
            health:
              address: 127.0.0.1:{HealthPort}
            simulation:
              enabled: true
              interval: 00:00:05
            {extra}
            """);
    }

    /// <summary><c>./install.sh --archive FILE</c>, as root, as a technician upgrading a Pi would run it.</summary>
    public Task<CommandResult> InstallAsync(string archive) => RunInstallerAsync("--archive", archive);

    public Task<CommandResult> RunInstallerAsync(params string[] arguments) =>
        Shell.RunAsync(Path.Combine(RepositoryPaths.Root, "install.sh"), arguments, TimeSpan.FromMinutes(5), RepositoryPaths.Root, new Dictionary<string, string>
        {
            ["LOOS_EDGE_ROOT"] = Root,
            ["SYSTEMCTL"] = Supervisor,
            ["LOOS_EDGE_READY_TIMEOUT"] = ReadySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    /// <summary>The release folder the running service's executable is in (from /proc/PID/exe), or null when none runs.</summary>
    public string? RunningRelease()
    {
        var pidFile = Path.Combine(Root, "run", "supervisor", "loos-edge.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        var stat = $"/proc/{File.ReadAllText(pidFile).Trim()}/stat";
        if (!File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] == "Z")
        {
            return null;
        }

        var executable = new FileInfo($"/proc/{File.ReadAllText(pidFile).Trim()}/exe").LinkTarget;
        return executable is null ? null : Path.GetFileName(Path.GetDirectoryName(executable));
    }

    /// <summary>Where a link of the install points, e.g. <c>releases/0.1.0</c> for <c>opt/loos-edge/current</c>.</summary>
    public string? Link(string path) => new FileInfo(Path.Combine(Root, path)).LinkTarget;

    public async Task<bool> HealthAnswersAsync()
    {
        try
        {
            using var response = await Http.GetAsync(HealthUrl);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    public string SupervisorLog() =>
        File.Exists(Path.Combine(Root, "run", "supervisor", "loos-edge.log")) ? File.ReadAllText(Path.Combine(Root, "run", "supervisor", "loos-edge.log")) : string.Empty;

    public async ValueTask DisposeAsync()
    {
        await Shell.RunAsync(Supervisor, ["stop", "loos-edge"], TimeSpan.FromMinutes(1), environment: new Dictionary<string, string> { ["LOOS_EDGE_ROOT"] = Root });
        Directory.Delete(Root, recursive: true);
    }
}
