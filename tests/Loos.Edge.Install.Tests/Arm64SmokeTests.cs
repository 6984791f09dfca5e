using System.Diagnostics;
using Loos.Edge.Testing;
using Xunit.Abstractions;

namespace Loos.Edge.Install.Tests;

/// <summary>
/// The linux-arm64 release archive's gateway, run on this machine under Debian's qemu-user-static with the arm64
/// cross C and C++ libraries as its root. A smoke test of the Raspberry Pi build, not a claim that .NET is supported
/// under QEMU user mode. No ICU is needed (the gateway is built with invariant globalisation), and no JIT runs: the
/// release is compiled ahead of time, so the program QEMU translates is the one a Pi runs.
/// </summary>
public sealed class Arm64SmokeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Qemu = "/usr/bin/qemu-aarch64-static";
    private const string CrossRoot = "/usr/aarch64-linux-gnu";
    private static readonly TimeSpan EmulatedCommand = TimeSpan.FromMinutes(3);
    private readonly string scratch = Directory.CreateTempSubdirectory("loos-edge-arm64-").FullName;
    private string release = string.Empty;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Qemu), $"{Qemu} is missing: apt-get install qemu-user-static (build.sh's TEST_PACKAGES)");
        Assert.True(File.Exists(Path.Combine(CrossRoot, "lib", "libstdc++.so.6")), $"{CrossRoot} lacks libstdc++: apt-get install libc6-arm64-cross libstdc++6-arm64-cross");
        var archive = await ReleaseArchives.GetAsync("linux-arm64");
        archive.Report(output);
        release = await archive.UnpackAsync(scratch);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(scratch, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Arm64Gateway_UnderQemu_PrintsItsVersion_ValidatesAndRunsTheDemoSite()
    {
        var version = await Emulate(["--version"]);
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith(ReleaseArchives.ProjectVersion, version.Output.Trim(), StringComparison.Ordinal);

        var site = DemoSite(out var healthPort);
        var validate = await Emulate(["config", "validate", "--config", site]);
        Assert.True(validate.ExitCode == 0, validate.Output);
        Assert.Contains("valid", validate.Output, StringComparison.Ordinal);

        var watch = Stopwatch.StartNew();
        using var gateway = StartEmulated(["run", "--config", site], Path.Combine(scratch, "gateway.log"));
        try
        {
            // The first request runs the whole HTTP pipeline for the first time, instruction by emulated instruction.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var health = new Uri($"http://127.0.0.1:{healthPort}/health");
            string? answer = null;
            while (answer is null && watch.Elapsed < EmulatedCommand && !gateway.HasExited)
            {
                try
                {
                    answer = await http.GetStringAsync(health);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    await Task.Delay(500);
                }
            }

            Assert.True(answer is not null, $"The arm64 gateway did not answer {health} within {EmulatedCommand} (exited: {gateway.HasExited}):\n{File.ReadAllText(Path.Combine(scratch, "gateway.log"))}");
            Assert.Contains("\"status\"", answer, StringComparison.Ordinal);
            output.WriteLine($"arm64 gateway under qemu: health answered {watch.Elapsed.TotalSeconds:F1} s after start");
        }
        finally
        {
            gateway.Kill(entireProcessTree: true);
            await gateway.WaitForExitAsync();
        }
    }

    /// <summary>The archive's demo site file with its buffer in the scratch folder and free ports.</summary>
    private string DemoSite(out int healthPort)
    {
        healthPort = FreePort.Next();
        var text = File.ReadAllText(Path.Combine(release, "firmware-config", "site.demo.yaml"))
            .Replace("../.work/demo/buffer", Path.Combine(scratch, "buffer"), StringComparison.Ordinal)
            .Replace("127.0.0.1:8186", $"127.0.0.1:{FreePort.Next()}", StringComparison.Ordinal)
            .Replace("127.0.0.1:8187", $"127.0.0.1:{healthPort}", StringComparison.Ordinal);
        Assert.Contains(Path.Combine(scratch, "buffer"), text, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{healthPort}", text, StringComparison.Ordinal);
        var path = Path.Combine(release, "firmware-config", "site.smoke.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private Task<CommandResult> Emulate(string[] arguments) =>
        Shell.RunAsync(Qemu, ["-L", CrossRoot, Path.Combine(release, "program", "loos-edge"), .. arguments], EmulatedCommand, scratch);

    private Process StartEmulated(string[] arguments, string logFile)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = scratch };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec '{Qemu}' -L '{CrossRoot}' '{Path.Combine(release, "program", "loos-edge")}' {string.Join(' ', arguments.Select(argument => $"'{argument}'"))} >'{logFile}' 2>&1");
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start qemu-aarch64-static.");
    }
}
