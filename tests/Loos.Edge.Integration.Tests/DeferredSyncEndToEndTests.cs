using System.Text.Json;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// Readings nobody waits to acknowledge (here the simulated devices') are written to the buffer at once and fsynced
/// only every buffer:syncInterval: the real gateway killed with SIGKILL before that fsync loses none of them, since
/// the kernel's page cache outlives the process, and says at the next start that nothing was lost.
/// </summary>
public sealed class DeferredSyncEndToEndTests
{
    [Fact]
    public async Task Gateway_KilledBeforeTheDeferredFsync_KeepsEveryWrittenReading()
    {
        // A target that never answers keeps every reading in the buffer, where health counts them.
        var site = new SiteFileBuilder
        {
            SyncInterval = TimeSpan.FromMinutes(10),
            Extra = "simulation:\n  enabled: true\n  interval: 00:00:01\n  homes:\n    - name: home-1\n",
        }.WithInfluxV1("down", new Uri($"http://127.0.0.1:{FreePort.Next()}"), "loos_edge");
        await using var gateway = await GatewayProcess.StartAsync(site);
        var before = await gateway.WaitForHealthAsync(h => Unsent(h) >= 20, TimeSpan.FromSeconds(60), "20 simulated readings in the buffer");
        gateway.Kill();
        await gateway.StartAsync();

        var after = await gateway.HealthAsync();
        Assert.True(Unsent(after) >= Unsent(before), $"{Unsent(before)} readings were in the buffer before the SIGKILL, {Unsent(after)} after it");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("buffer").GetProperty("possible_loss_after").ValueKind);
        Assert.Equal(0, after.GetProperty("buffer").GetProperty("possible_loss_stops").GetInt64());
        await gateway.WaitForLogAsync("was not stopped cleanly, but the machine did not restart", TimeSpan.FromSeconds(10));
    }

    private static long Unsent(JsonElement health) => health.GetProperty("buffer").GetProperty("unsent_readings").GetInt64();
}
