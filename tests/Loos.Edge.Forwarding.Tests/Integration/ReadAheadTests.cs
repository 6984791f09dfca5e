using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;

namespace Loos.Edge.Forwarding.Tests.Integration;

/// <summary>The next batch is read and encoded while one is in flight; batches still reach the server in order.</summary>
public sealed class ReadAheadTests : IAsyncLifetime
{
    private readonly SeriesCatalog catalog = new();
    private readonly InMemoryReadingLog log = new();
    private ScriptedServer server = null!;
    private string tokenFile = null!;

    public async Task InitializeAsync()
    {
        server = await ScriptedServer.StartAsync();
        tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, "secret-token\n");
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        File.Delete(tokenFile);
    }

    private TargetOptions Target() => new()
    {
        Name = "cloud",
        Api = InfluxApi.V2,
        Url = server.Url.ToString(),
        Org = "loos",
        Bucket = "energy",
        TokenFile = tokenFile,
        BatchSize = 10,
        BatchMaxAge = TimeSpan.FromMilliseconds(20),
        InitialRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        CircuitBreakerFailures = 100,
    };

    [Fact]
    public async Task Forward_BatchInFlight_ReadsTheNextAheadButAcknowledgesOnlyWhatTheServerStored()
    {
        server.Enqueue(new ScriptedResponse(204, Delay: TimeSpan.FromSeconds(1)));
        log.Append(Readings.Meters(catalog, meters: 1, count: 30));
        await using var host = new ForwarderHost(catalog, log, Target());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => server.Received.Count == 1 && log.ReadAheadFrom("cloud").Count > 0, "the first batch is in flight and the next is read ahead");

        Assert.Equal(10, log.ReadAheadFrom("cloud")[0]);
        Assert.Equal(0, log.Acknowledged("cloud"));
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("cloud") == 30, "every reading is acknowledged");
        Assert.Equal([0, 10, 20], server.Received.Select(r => FirstValue(r.Body)));
    }

    [Fact]
    public async Task Forward_FailedBatchWhileTheNextWasReadAhead_IsSentAgainBeforeTheNext()
    {
        server.Enqueue(new ScriptedResponse(204), new ScriptedResponse(503, "{\"message\":\"overloaded\"}"), new ScriptedResponse(500, "{\"message\":\"broken\"}"));
        log.Append(Readings.Meters(catalog, meters: 1, count: 40));
        await using var host = new ForwarderHost(catalog, log, Target());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("cloud") == 40, "every reading is acknowledged");

        // The second batch failed twice with the third read ahead; it went again, then the third, then the fourth.
        Assert.Equal([0, 10, 10, 10, 20, 30], server.Received.Select(r => FirstValue(r.Body)));
        Assert.Equal(server.Received[1].Body, server.Received[3].Body);
    }

    /// <summary>The value of the first line (the readings' values are their index).</summary>
    private static int FirstValue(string body)
    {
        var value = body[(body.IndexOf("wh=", StringComparison.Ordinal) + 3)..];
        return int.Parse(value[..value.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
    }
}
