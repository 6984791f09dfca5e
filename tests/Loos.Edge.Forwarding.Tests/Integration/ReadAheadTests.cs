using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;

namespace Loos.Edge.Forwarding.Tests.Integration;

/// <summary>The next batch is read and encoded while one is in flight; batches still reach the server in order.</summary>
public sealed class ReadAheadTests : ScriptedTargetTests
{
    private TargetOptions Target()
    {
        var target = V2Target();
        target.BatchSize = 10;
        return target;
    }

    [Fact]
    public async Task Forward_BatchInFlight_ReadsTheNextAheadButAcknowledgesOnlyWhatTheServerStored()
    {
        Server.Enqueue(new ScriptedResponse(204, Delay: TimeSpan.FromSeconds(1)));
        Log.Append(Readings.Meters(Catalog, meters: 1, count: 30));
        await using var host = new ForwarderHost(Catalog, Log, Target());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => Server.Received.Count == 1 && Log.ReadAheadFrom("cloud").Count > 0, "the first batch is in flight and the next is read ahead");

        Assert.Equal(10, Log.ReadAheadFrom("cloud")[0]);
        Assert.Equal(0, Log.Acknowledged("cloud"));
        await ForwarderHost.WaitUntilAsync(() => Log.Acknowledged("cloud") == 30, "every reading is acknowledged");
        Assert.Equal([0, 10, 20], Server.Received.Select(r => FirstValue(r.Body)));
    }

    [Fact]
    public async Task Forward_FailedBatchWhileTheNextWasReadAhead_IsSentAgainBeforeTheNext()
    {
        Server.Enqueue(new ScriptedResponse(204), new ScriptedResponse(503, "{\"message\":\"overloaded\"}"), new ScriptedResponse(500, "{\"message\":\"broken\"}"));
        Log.Append(Readings.Meters(Catalog, meters: 1, count: 40));
        await using var host = new ForwarderHost(Catalog, Log, Target());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => Log.Acknowledged("cloud") == 40, "every reading is acknowledged");

        // The second batch failed twice with the third read ahead; it went again, then the third, then the fourth.
        Assert.Equal([0, 10, 10, 10, 20, 30], Server.Received.Select(r => FirstValue(r.Body)));
        Assert.Equal(Server.Received[1].Body, Server.Received[3].Body);
    }

    /// <summary>The value of the first line (the readings' values are their index).</summary>
    private static int FirstValue(string body)
    {
        var value = body[(body.IndexOf("wh=", StringComparison.Ordinal) + 3)..];
        return int.Parse(value[..value.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
    }
}
