using System.Net;
using System.Net.Sockets;

namespace Loos.Edge.Integration.Tests;

/// <summary>What a technician reads when the gateway cannot start: one line with the cause, exit code 1.</summary>
public sealed class StartFailureTests
{
    [Fact]
    public async Task Run_ListenerPortInUse_OneLineNamingTheAddressAndExit1()
    {
        var site = new SiteFileBuilder();
        using var squatter = new TcpListener(IPAddress.Loopback, site.ListenerPort);
        squatter.Start();
        var path = site.Write();

        var (exitCode, output, error) = await GatewayProcess.RunCliAsync("run", "--config", path);
        var (verboseExitCode, _, verboseError) = await GatewayProcess.RunCliAsync("run", "--config", path, "--verbose");
        Directory.Delete(site.Directory, recursive: true);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("loos-edge: cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{site.ListenerPort}", line, StringComparison.Ordinal);
        Assert.Contains("address already in use", line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);

        // Asked for, the stack trace is there.
        Assert.Equal(1, verboseExitCode);
        Assert.Contains("   at ", verboseError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BufferHeldByAnotherGateway_OneLineNamingTheBufferAndExit1()
    {
        var first = new SiteFileBuilder();
        await using var running = await GatewayProcess.StartAsync(first);
        var second = new SiteFileBuilder();
        var path = second.Write();
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("directory: buffer", $"directory: {first.BufferDirectory}", StringComparison.Ordinal));

        var (exitCode, output, error) = await GatewayProcess.RunCliAsync("run", "--config", path);
        Directory.Delete(second.Directory, recursive: true);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"loos-edge: cannot start: The buffer in '{first.BufferDirectory}' is in use by another process.", line);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }
}
