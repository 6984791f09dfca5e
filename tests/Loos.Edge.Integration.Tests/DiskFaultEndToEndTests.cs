using System.Net;
using System.Text.Json;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// The gateway's own disk failing under it, with a real influxd behind: the data directory's file system full, and
/// turned read-only by the kernel. The listener says so (507, never 500 or 204), health says so while it lasts, and
/// nothing acknowledged is lost.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DiskFaultEndToEndTests
{
    private const string Database = "loos_edge";

    [MountFact]
    public async Task Gateway_DataFileSystemFull_Answers507AndAlertsThenAcceptsAgainAndLosesNothing()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        influxd.Stop();
        // A checkpoint after every delivered batch (checkpointInterval 0), so that one meets the full disk at once.
        var site = new SiteFileBuilder { SegmentBytes = 256 * 1024, SyncInterval = TimeSpan.Zero, CheckpointInterval = TimeSpan.Zero }.WithInfluxV1("influxd", influxd.Url, Database);
        var scratch = ScratchFileSystem.MountTmpfs(site.BufferDirectory, 4 * 1024 * 1024);
        var gateway = await GatewayProcess.StartAsync(site);
        try
        {
            // ENOSPC during appends: the target is down, so the buffer fills the 4 MiB file system.
            var posted = new PostedReadings(homes: 4);
            (HttpStatusCode Status, string Body) refused = default;
            for (var request = 0; request < 2000 && refused == default; request++)
            {
                var (body, points) = posted.Next(500);
                var (status, text, response) = await gateway.PostAsync(body);
                if (status == HttpStatusCode.NoContent)
                {
                    posted.MarkAcknowledged(points);
                }
                else
                {
                    refused = (status, text);
                    Assert.NotNull(response.Headers.RetryAfter);
                }
            }

            Assert.Equal(HttpStatusCode.InsufficientStorage, refused.Status);
            Assert.Contains("No space left on device", refused.Body, StringComparison.Ordinal);
            Assert.True(posted.AcknowledgedCount > 10_000, $"only {posted.AcknowledgedCount} readings were accepted before the disk was full");
            var health = await gateway.WaitForHealthAsync(h => h.GetProperty("status").GetString() == "alert", TimeSpan.FromSeconds(10), "the full disk");
            Assert.Contains("No space left on device", DiskError(health), StringComparison.Ordinal);

            // Not one page free from here (only the tail of pages already written to): the checkpoints are refused
            // too once the target returns and deliveries begin (ENOSPC during a checkpoint).
            scratch.Fill();
            Assert.Equal(HttpStatusCode.InsufficientStorage, (await gateway.PostAsync(posted.Next(500).Body)).Status);
            await influxd.StartAsync();
            await gateway.WaitForLogAsync("could not write the checkpoint", TimeSpan.FromSeconds(60));

            // Delivered segments are deleted all the same, which frees space: the listener accepts again.
            var accepted = false;
            for (var attempt = 0; attempt < 120 && !accepted; attempt++)
            {
                var (body, points) = posted.Next(100);
                var (status, text, _) = await gateway.PostAsync(body);
                Assert.True(status is HttpStatusCode.NoContent or HttpStatusCode.InsufficientStorage, $"{(int)status} {text}");
                if (status == HttpStatusCode.NoContent)
                {
                    posted.MarkAcknowledged(points);
                    accepted = true;
                }
                else
                {
                    await Task.Delay(500);
                }
            }

            Assert.True(accepted, $"the listener never accepted again\n{gateway.Tail()}");
            await posted.WaitUntilArrivedAsync(() => PostedReadings.InInfluxdAsync(influxd, Database), TimeSpan.FromSeconds(120), gateway.Tail);
            health = await gateway.WaitForHealthAsync(h => h.GetProperty("status").GetString() == "ok", TimeSpan.FromSeconds(30), "recovery");
            Assert.Equal(JsonValueKind.Null, health.GetProperty("buffer").GetProperty("disk_error").ValueKind);
            Assert.Equal(0, health.GetProperty("buffer").GetProperty("evicted_readings").GetInt64());

            // No torn record was left behind: a restart finds no damage.
            Assert.Equal(0, gateway.Stop());
            await gateway.StartAsync();
            Assert.Equal(0, (await gateway.HealthAsync()).GetProperty("buffer").GetProperty("damaged_regions").GetInt32());
        }
        finally
        {
            gateway.Kill();
            scratch.Dispose();
            await gateway.DisposeAsync();
        }
    }

    /// <remarks>
    /// <c>mount -o remount,ro</c> is refused by the kernel (EBUSY) while the gateway holds its segment open for writing,
    /// so the read-only turn comes as on a failing SD card: an ext4 error with <c>errors=remount-ro</c>. The kernel
    /// refuses to make such a file system writable again until it is checked, so the way back is the technician's:
    /// stop, e2fsck, mount, start.
    /// </remarks>
    [MountFact]
    public async Task Gateway_DataFileSystemTurnsReadOnly_Answers507AndAlertsThenDeliversEverythingAfterRepair()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder { SegmentBytes = 256 * 1024 }.WithInfluxV1("influxd", influxd.Url, Database);
        var scratch = ScratchFileSystem.MountExt4(site.BufferDirectory, 32 * 1024 * 1024);
        var gateway = await GatewayProcess.StartAsync(site);
        try
        {
            var posted = new PostedReadings(homes: 4);
            for (var request = 0; request < 20; request++)
            {
                var (body, points) = posted.Next(200);
                var (status, text, _) = await gateway.PostAsync(body);
                Assert.True(status == HttpStatusCode.NoContent, $"POST {request}: {(int)status} {text}");
                posted.MarkAcknowledged(points);
            }

            // Stop deliveries, so that what was accepted before the fault must survive it in the buffer.
            influxd.Stop();
            for (var request = 0; request < 20; request++)
            {
                var (body, points) = posted.Next(200);
                Assert.Equal(HttpStatusCode.NoContent, (await gateway.PostAsync(body)).Status);
                posted.MarkAcknowledged(points);
            }

            scratch.TriggerErrorAndTurnReadOnly();
            Assert.True(scratch.IsReadOnly);
            var (refusedStatus, refusedBody, _) = await gateway.PostAsync(posted.Next(200).Body);
            Assert.Equal(HttpStatusCode.InsufficientStorage, refusedStatus);
            Assert.Contains("Read-only file system", refusedBody, StringComparison.Ordinal);
            var health = await gateway.WaitForHealthAsync(h => h.GetProperty("status").GetString() == "alert", TimeSpan.FromSeconds(10), "the read-only disk");
            Assert.Contains("Read-only file system", DiskError(health), StringComparison.Ordinal);

            gateway.Stop();
            scratch.CheckAndRemount();
            await influxd.StartAsync();
            await gateway.StartAsync();
            var (body2, points2) = posted.Next(200);
            Assert.Equal(HttpStatusCode.NoContent, (await gateway.PostAsync(body2)).Status);
            posted.MarkAcknowledged(points2);

            await posted.WaitUntilArrivedAsync(() => PostedReadings.InInfluxdAsync(influxd, Database), TimeSpan.FromSeconds(120), gateway.Tail);
            health = await gateway.WaitForHealthAsync(h => h.GetProperty("status").GetString() == "ok", TimeSpan.FromSeconds(30), "recovery");
            Assert.Equal(JsonValueKind.Null, health.GetProperty("buffer").GetProperty("disk_error").ValueKind);
        }
        finally
        {
            gateway.Kill();
            scratch.Dispose();
            await gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task Gateway_AfterARun_BufferAndStateFilesReadableByTheServiceUserOnly()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder().WithInfluxV1("influxd", influxd.Url, Database);
        await using var gateway = await GatewayProcess.StartAsync(site);
        var posted = new PostedReadings(homes: 2);
        var (body, points) = posted.Next(100);
        Assert.Equal(HttpStatusCode.NoContent, (await gateway.PostAsync(body)).Status);
        posted.MarkAcknowledged(points);
        await posted.WaitUntilArrivedAsync(() => PostedReadings.InInfluxdAsync(influxd, Database), TimeSpan.FromSeconds(60), gateway.Tail);
        Assert.Equal(0, gateway.Stop());

        const UnixFileMode Directory0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var directories = Directory.GetDirectories(site.BufferDirectory, "*", SearchOption.AllDirectories).Append(site.BufferDirectory).ToList();
        var files = Directory.GetFiles(site.BufferDirectory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith(".seg", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".pos", StringComparison.Ordinal));
        Assert.All(directories, d => Assert.True(File.GetUnixFileMode(d) == Directory0700, $"{d} is {File.GetUnixFileMode(d)}"));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == File0600, $"{f} is {File.GetUnixFileMode(f)}"));
    }

    private static string DiskError(JsonElement health) =>
        health.GetProperty("buffer").GetProperty("disk_error").GetString() ?? string.Empty;
}
