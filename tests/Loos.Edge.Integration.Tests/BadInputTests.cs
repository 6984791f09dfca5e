using System.Net;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>What a technician or a local program sees when something is wrong, and that nothing accepted is lost.</summary>
public sealed class BadInputTests
{
    private const string Database = "loos_edge";

    [Fact]
    public async Task Listener_MalformedLineInRequest_Answers400WithLineNumberAndKeepsEarlierRequests()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        await using var gateway = await GatewayProcess.StartAsync(new SiteFileBuilder().WithInfluxV1("influxd", influxd.Url, Database));
        var posted = new PostedReadings(homes: 2);
        var (goodBody, goodPoints) = posted.Next(10);
        Assert.Equal(HttpStatusCode.NoContent, (await gateway.PostAsync(goodBody)).Status);
        posted.MarkAcknowledged(goodPoints);

        var (badBody, _) = posted.Next(5);
        var lines = badBody.Split('\n');
        lines[3] = "meter,home=h01 energy= 1700000000000";
        var (status, text, _) = await gateway.PostAsync(string.Join('\n', lines));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("line 4", text, StringComparison.Ordinal);
        await posted.WaitUntilArrivedAsync(() => PostedReadings.InInfluxdAsync(influxd, Database), TimeSpan.FromSeconds(30), gateway.Tail);
    }

    [Fact]
    public async Task Forwarder_WrongPassword_RaisesAlertKeepsReadingsAndDeliversAfterFix()
    {
        await using var influxd = await InfluxdServer.StartNewAsync(new InfluxdOptions { AuthEnabled = true });
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder().WithInfluxV1("influxd", influxd.Url, Database, influxd.Options.AdminUser, "wrong-password");
        await using var gateway = await GatewayProcess.StartAsync(site);
        var posted = new PostedReadings(homes: 2);
        var (body, points) = posted.Next(100);
        Assert.Equal(HttpStatusCode.NoContent, (await gateway.PostAsync(body)).Status);
        posted.MarkAcknowledged(points);

        var health = await gateway.WaitForHealthAsync(h => h.GetProperty("status").GetString() == "alert", TimeSpan.FromSeconds(30), "an alert");
        var target = health.GetProperty("targets")[0];
        Assert.Equal("authentication_failed", target.GetProperty("state").GetString());
        Assert.Contains("influxd", target.GetProperty("alert").GetString(), StringComparison.Ordinal);
        Assert.Equal(100, health.GetProperty("buffer").GetProperty("unsent_readings").GetInt64());

        Assert.Equal(0, gateway.Stop());
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(gateway.SiteFile)!, "influxd.password"), influxd.Options.AdminPassword);
        await gateway.StartAsync();
        await posted.WaitUntilArrivedAsync(() => PostedReadings.InInfluxdAsync(influxd, Database), TimeSpan.FromSeconds(60), gateway.Tail);
    }

    [Fact]
    public async Task Forwarder_UnreachableTarget_HealthNamesItAndReadingsStayBuffered()
    {
        var closedPort = FreePort.Next();
        var site = new SiteFileBuilder().WithInfluxV1("central", new Uri($"http://127.0.0.1:{closedPort}"), Database);
        await using var gateway = await GatewayProcess.StartAsync(site);
        var posted = new PostedReadings(homes: 1);
        Assert.Equal(HttpStatusCode.NoContent, (await gateway.PostAsync(posted.Next(20).Body)).Status);

        var health = await gateway.WaitForHealthAsync(
            h => h.GetProperty("targets")[0].GetProperty("last_error").GetString() is { Length: > 0 },
            TimeSpan.FromSeconds(30),
            "the connection error");
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains($"127.0.0.1:{closedPort}", health.GetProperty("targets")[0].GetProperty("last_error").GetString() + health.GetProperty("targets")[0].GetProperty("endpoint").GetString(), StringComparison.Ordinal);
        Assert.Equal(20, health.GetProperty("buffer").GetProperty("unsent_readings").GetInt64());

        Assert.Equal(0, gateway.Stop());
        var (exitCode, output, error) = await GatewayProcess.RunCliAsync("buffer", "status", "--data", Path.Combine(Path.GetDirectoryName(gateway.SiteFile)!, "buffer"), "--json");
        Assert.True(exitCode == 0, error);
        Assert.Contains("\"unsent_readings\": 20", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listener_BufferFullWithEvictionDisabled_Answers503WithRetryAfterAndLosesNothing()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        influxd.Stop();
        var site = new SiteFileBuilder { SegmentBytes = 64 * 1024, CapBytes = 256 * 1024, EvictWhenFull = false }
            .WithInfluxV1("influxd", influxd.Url, Database);
        await using var gateway = await GatewayProcess.StartAsync(site);

        var posted = new PostedReadings(homes: 3);
        HttpResponseMessage? refusal = null;
        for (var request = 0; request < 250 && refusal is null; request++)
        {
            var (body, points) = posted.Next(200);
            var (status, text, response) = await gateway.PostAsync(body);
            if (status == HttpStatusCode.ServiceUnavailable)
            {
                refusal = response;
                break;
            }

            Assert.True(status == HttpStatusCode.NoContent, $"POST {request}: {(int)status} {text}");
            posted.MarkAcknowledged(points);
        }

        Assert.NotNull(refusal);
        Assert.True(refusal.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 without Retry-After");
        Assert.Equal(0, (await gateway.HealthAsync()).GetProperty("buffer").GetProperty("evicted_readings").GetInt64());

        // Once the target is back and the queue drains, the gateway accepts again and nothing acknowledged is lost.
        await influxd.StartAsync();
        await posted.WaitUntilArrivedAsync(() => PostedReadings.InInfluxdAsync(influxd, Database), TimeSpan.FromSeconds(60), gateway.Tail);
        var (more, morePoints) = posted.Next(200);
        Assert.Equal(HttpStatusCode.NoContent, (await gateway.PostAsync(more)).Status);
        posted.MarkAcknowledged(morePoints);
        await posted.WaitUntilArrivedAsync(() => PostedReadings.InInfluxdAsync(influxd, Database), TimeSpan.FromSeconds(60), gateway.Tail);
    }

    [Fact]
    public async Task Run_InvalidSiteFile_ExitsNonZeroNamingFileLineAndKey()
    {
        var site = new SiteFileBuilder { Extra = "simulation:\n  enabled: yes-please\n" }
            .WithInfluxV2("central", new Uri("http://127.0.0.1:9"), "loos", string.Empty, "token");
        var path = site.Write();

        var (exitCode, _, error) = await GatewayProcess.RunCliAsync("run", "--config", path);
        Directory.Delete(site.Directory, recursive: true);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{path}:", error, StringComparison.Ordinal);
        Assert.Contains("simulation:enabled", error, StringComparison.Ordinal);
        Assert.Contains("bucket", error, StringComparison.Ordinal);
    }
}
