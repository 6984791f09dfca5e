using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Http.Tests;

public sealed class ClientFaultTests
{
    [Fact]
    public async Task Write_300SlowClients_Get408AndTheLogHasNoErrorsAndOneCountedInformationLine()
    {
        const int Clients = 300;
        await using var host = await GatewayHost.StartAsync();

        // Each client announces 100 kB, sends a few bytes and stalls: Kestrel's minimum body data rate (240 B/s after
        // a 5 s grace period) ends the request with 408.
        var statuses = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => StallAsync(host.ListenerPort)));

        Assert.All(statuses, status => Assert.Equal("408", status));
        var entries = host.Logs.Entries;
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning);
        var faults = entries.Where(e => e.Message.Contains("request timeout (408)", StringComparison.Ordinal)).ToList();
        var first = Assert.Single(faults);
        Assert.Equal(LogLevel.Information, first.Level);
        Assert.Contains("1 × request timeout (408)", first.Message, StringComparison.Ordinal);
        Assert.True(entries.Count <= 3, string.Join(Environment.NewLine, entries.Select(e => e.Message)));

        // A minute later the next one reports how many there were meanwhile.
        host.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("408", await StallAsync(host.ListenerPort));
        var next = host.Logs.Entries.Where(e => e.Message.Contains("request timeout (408)", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, next.Count);
        Assert.Contains($"{Clients} × request timeout (408)", next[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_ConnectionClosedMidBody_IsCountedAtInformationWithoutAnError()
    {
        await using var host = await GatewayHost.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, host.ListenerPort);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /api/v2/write HTTP/1.1\r\nHost: gateway\r\nContent-Length: 1000\r\n\r\nm v=1\n"));
            client.Client.LingerState = new LingerOption(true, 0); // a reset, as a crashed client leaves it
        }

        using var ok = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), new StringContent("m v=1 1\n"));
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        await WaitUntilAsync(() => host.Logs.Entries.Any(e => e.Message.Contains("× bad request (400)", StringComparison.Ordinal) || e.Message.Contains("× connection aborted", StringComparison.Ordinal)));
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.True(host.Logs.Entries.Count <= 2, string.Join(Environment.NewLine, host.Logs.Entries.Select(e => e.Message)));
    }

    [Fact]
    public async Task Write_ManyBadBodies_AreLoggedOncePerIntervalAtInformationNamingTheLine()
    {
        await using var host = await GatewayHost.StartAsync();
        for (var i = 0; i < 50; i++)
        {
            using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), new StringContent("m v=1 1\nm v=oops 2\n"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var entry = Assert.Single(host.Logs.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("write refused (400)", entry.Message, StringComparison.Ordinal);
        Assert.Contains("line 2, column 5", entry.Message, StringComparison.Ordinal);
    }

    private static async Task<string> StallAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /api/v2/write HTTP/1.1\r\nHost: gateway\r\nContent-Length: 100000\r\n\r\nm v=1"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[512];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var statusLine = Encoding.ASCII.GetString(buffer, 0, read);
        return statusLine.Length >= 12 ? statusLine[9..12] : statusLine;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
