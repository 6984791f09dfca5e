using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;

namespace Loos.Edge.Forwarding.Tests.Integration;

/// <summary>InfluxDB misbehaving: each case must deliver every reading in the end, acknowledge nothing early, and say in health what went wrong.</summary>
public sealed class WriteFaultTests
{
    private readonly SeriesCatalog catalog = new();
    private readonly InMemoryReadingLog log = new();

    private static TargetOptions V1(Uri url, int batchSize) => new()
    {
        Name = "central",
        Api = InfluxApi.V1,
        Url = url.ToString(),
        Database = "site",
        BatchSize = batchSize,
        BatchMaxAge = TimeSpan.FromMilliseconds(20),
        InitialRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(100),
        CircuitBreakerFailures = 3,
        CircuitBreakDuration = TimeSpan.FromMilliseconds(500),
    };

    [Fact]
    public async Task Forward_ServerSlowerThanTheTimeout_RetriesAndReportsTheTimeout()
    {
        await using var server = await ScriptedServer.StartAsync();
        server.Enqueue([.. Enumerable.Repeat(new ScriptedResponse(204, Delay: TimeSpan.FromSeconds(2)), 3)]);
        log.Append(Readings.Meters(catalog, meters: 1, count: 1000));
        var target = V1(server.Url, 1000);
        target.Timeout = TimeSpan.FromMilliseconds(300);
        await using var host = new ForwarderHost(catalog, log, target);

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => host.Status("central").LastError is not null, "a failure is reported");
        var failing = host.Status("central");
        Assert.Contains(failing.State, new[] { TargetState.Retrying, TargetState.CircuitOpen });
        Assert.Equal("no answer within 0.3 s", failing.LastError);
        Assert.Equal(0, log.Acknowledged("central"));
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == 1000, "every reading is acknowledged");

        // Only the writes answered in time count as delivered.
        Delivered.AssertAll(server.Received.Skip(3).Select(r => r.Body), 1000);
        Assert.Equal(TargetState.Healthy, host.Status("central").State);
        Assert.Equal(1000, host.Status("central").ForwardedReadings);
    }

    [Fact]
    public async Task Forward_ConnectionClosedMidBody_RetriesUntilAWholeWriteIsAnswered()
    {
        await using var server = new RawHttpServer(write => write < 3 ? RawFault.CloseMidBody : RawFault.None);
        log.Append(Readings.Meters(catalog, meters: 1, count: 20000));
        var target = V1(server.Url, 20000);
        target.Gzip = false; // About 900 kB: the server gives up long before the end.
        await using var host = new ForwarderHost(catalog, log, target);

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => host.Status("central").LastError is not null, "a failure is reported");
        Assert.Equal(0, log.Acknowledged("central"));
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == 20000, "every reading is acknowledged");

        Assert.True(server.Writes >= 4, $"{server.Writes} writes");
        Delivered.AssertAll(server.Bodies, 20000);
        var status = host.Status("central");
        Assert.Equal(TargetState.Healthy, status.State);
        Assert.Equal(20000, status.ForwardedReadings);
    }

    [Fact]
    public async Task Forward_500ForAWhile_OpensTheCircuitKeepsEverythingThenDelivers()
    {
        await using var server = await ScriptedServer.StartAsync();
        server.Enqueue([.. Enumerable.Repeat(new ScriptedResponse(500, "{\"error\":\"engine down\"}"), 6)]);
        log.Append(Readings.Meters(catalog, meters: 1, count: 1000));
        await using var host = new ForwarderHost(catalog, log, V1(server.Url, 1000));

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => host.Status("central").State == TargetState.CircuitOpen, "the circuit opens");
        Assert.Equal("HTTP 500: engine down", host.Status("central").LastError);
        Assert.Equal(0, log.Acknowledged("central"));
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == 1000, "every reading is acknowledged");

        Assert.Equal(7, server.Received.Count);
        Delivered.AssertAll([server.Received[^1].Body], 1000);
        Assert.Equal(TargetState.Healthy, host.Status("central").State);
    }

    [Theory]
    [InlineData(RawFault.Answer204ToTruncatedBody)]
    [InlineData(RawFault.Answer204ThenStopReading)]
    public async Task Forward_204ToATruncatedBody_IsNotTakenAsStored(RawFault fault)
    {
        // About 11 MB uncompressed, more than the loopback socket buffers take (128 kB received unread, 4 MB to
        // send), so the answer comes while the body is still being written. A body that fits in those buffers was
        // handed over whole as far as the client can know; only the server can tell it read less.
        const int Count = 250_000;
        await using var server = new RawHttpServer(write => write < 2 ? fault : RawFault.None);
        log.Append(Readings.Meters(catalog, meters: 1, count: Count));
        var target = V1(server.Url, Count);
        target.Gzip = false;
        target.Timeout = TimeSpan.FromSeconds(5);
        await using var host = new ForwarderHost(catalog, log, target);

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == Count, "every reading is acknowledged", TimeSpan.FromSeconds(60));

        Assert.True(server.Writes >= 3, $"{server.Writes} writes: a 204 to a truncated body was taken as stored");
        Delivered.AssertAll(server.Bodies, Count);
        Assert.Equal(TargetState.Healthy, host.Status("central").State);
    }
}
