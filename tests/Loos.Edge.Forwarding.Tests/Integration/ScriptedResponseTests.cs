using System.Globalization;
using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;

namespace Loos.Edge.Forwarding.Tests.Integration;

public sealed class ScriptedResponseTests : ScriptedTargetTests
{
    // The target's back-off (20-50 ms) is far below the Retry-After values, so only Retry-After explains a long wait.
    private TargetOptions V2()
    {
        var target = V2Target();
        target.AuthenticationRetryInterval = TimeSpan.FromMilliseconds(100);
        return target;
    }

    [Fact]
    public async Task Forward_V2_SendsTokenGzipAndNanosecondPrecision()
    {
        var readings = Readings.Meters(Catalog, meters: 1, count: 3);
        Log.Append(readings);
        await using var host = new ForwarderHost(Catalog, Log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => Log.Acknowledged("cloud") == 3, "the readings are acknowledged");

        var request = Assert.Single(Server.Received);
        Assert.Equal("/api/v2/write?org=loos&bucket=energy&precision=ns", request.PathAndQuery);
        Assert.Equal("Token secret-token", request.Authorization);
        Assert.Equal("gzip", request.ContentEncoding);
        Assert.Equal(
            "energy,meter=m0,unit=Wh wh=0 1768456800000000000\nenergy,meter=m0,unit=Wh wh=1 1768456801000000000\nenergy,meter=m0,unit=Wh wh=2 1768456802000000000\n",
            request.Body);
    }

    [Fact]
    public async Task Forward_429WithRetryAfterSeconds_WaitsThatLongThenDelivers()
    {
        Server.Enqueue(new ScriptedResponse(429, "{\"code\":\"too many requests\",\"message\":\"slow down\"}", new Dictionary<string, string> { ["Retry-After"] = "1" }));
        Log.Append(Readings.Meters(Catalog, meters: 1, count: 10));
        await using var host = new ForwarderHost(Catalog, Log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => Log.Acknowledged("cloud") == 10, "the readings are acknowledged");

        var requests = Server.Received;
        Assert.Equal(2, requests.Count);
        Assert.InRange(requests[1].At - requests[0].At, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(5));
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Contains("429: slow down", host.Status("cloud").LastError);
    }

    [Fact]
    public async Task Forward_503WithRetryAfterDate_WaitsUntilThatDate()
    {
        // The date is chosen when the request arrives, so a slow start cannot eat into the wait. HTTP-dates have whole
        // seconds: the second after next is more than a second ahead, and no retry may come before it.
        DateTimeOffset? until = null;
        DateTimeOffset? retriedAt = null;
        Server.Rule = _ =>
        {
            var now = DateTimeOffset.UtcNow;
            if (until is null)
            {
                until = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(2);
                return new ScriptedResponse(503, "busy", new Dictionary<string, string> { ["Retry-After"] = until.Value.ToString("r", CultureInfo.InvariantCulture) });
            }

            retriedAt ??= now;
            return new ScriptedResponse(204);
        };
        Log.Append(Readings.Meters(Catalog, meters: 1, count: 10));
        await using var host = new ForwarderHost(Catalog, Log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => Log.Acknowledged("cloud") == 10, "the readings are acknowledged");

        var requests = Server.Received;
        Assert.Equal(2, requests.Count);
        Assert.NotNull(until);
        Assert.NotNull(retriedAt);
        // Timers tick in whole milliseconds: a wait may end up to one tick before the date it was computed for.
        Assert.InRange(retriedAt.Value, until.Value - TimeSpan.FromMilliseconds(2), until.Value + TimeSpan.FromSeconds(3));
        Assert.InRange(requests[1].At - requests[0].At, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Forward_500Repeatedly_RetriesUntilAcceptedWithoutAcknowledgingEarly()
    {
        Server.Enqueue([.. Enumerable.Repeat(new ScriptedResponse(500, "{\"error\":\"engine down\"}"), 4)]);
        Log.Append(Readings.Meters(Catalog, meters: 1, count: 10));
        await using var host = new ForwarderHost(Catalog, Log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => Server.Received.Count >= 3, "three attempts were made");
        Assert.Equal(0, Log.Acknowledged("cloud"));
        await ForwarderHost.WaitUntilAsync(() => Log.Acknowledged("cloud") == 10, "the readings are acknowledged");

        Assert.Equal(5, Server.Received.Count);
        Assert.Equal(TargetState.Healthy, host.Status("cloud").State);
        Assert.Contains("500: engine down", host.Status("cloud").LastError);
    }

    [Fact]
    public async Task Forward_RepeatedFailures_OpensTheCircuit()
    {
        Server.Rule = _ => new ScriptedResponse(502, "bad gateway");
        Log.Append(Readings.Meters(Catalog, meters: 1, count: 10));
        var target = V2();
        target.CircuitBreakerFailures = 3;
        target.CircuitBreakDuration = TimeSpan.FromSeconds(30);
        await using var host = new ForwarderHost(Catalog, Log, target);

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => host.Status("cloud").State == TargetState.CircuitOpen, "the circuit opens");
        await Task.Delay(300);

        Assert.Equal(3, Server.Received.Count);
        Assert.Equal(0, Log.Acknowledged("cloud"));
    }

    [Fact]
    public async Task Forward_422ForSomeLines_DeadLettersThemAndDeliversTheRest()
    {
        // Like InfluxDB 2.x: a batch holding a bad line is refused with 422 and the line's error.
        Server.Rule = body => body.Contains("wh=7 ", StringComparison.Ordinal)
            ? new ScriptedResponse(422, "{\"code\":\"unprocessable entity\",\"message\":\"failure writing points: value 7 is cursed\"}")
            : new ScriptedResponse(204);
        var readings = Readings.Meters(Catalog, meters: 1, count: 20);
        Log.Append(readings);
        await using var host = new ForwarderHost(Catalog, Log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => Log.Acknowledged("cloud") == 20, "the readings are acknowledged");

        var accepted = Server.Received.Where(r => !r.Body.Contains("wh=7 ", StringComparison.Ordinal)).SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Distinct().Count();
        Assert.Equal(19, accepted);
        var lines = await File.ReadAllLinesAsync(host.DeadLetterFile("cloud"));
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("HTTP 422: failure writing points: value 7 is cursed", lines[0]);
        Assert.Equal("energy,meter=m0,unit=Wh wh=7 1768456807000000000", lines[1]);
        var status = host.Status("cloud");
        Assert.Equal(1, status.DeadLetteredReadings);
        Assert.Equal(19, status.ForwardedReadings);
    }

    [Fact]
    public async Task Forward_401_KeepsEverythingBufferedWithAnAlertUntilTheTokenIsFixed()
    {
        await File.WriteAllTextAsync(TokenFile, "old-token\n");
        Server.Rule = _ => new ScriptedResponse(204);
        Server.Enqueue(new ScriptedResponse(401, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}"));
        Server.Enqueue(new ScriptedResponse(401, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}"));
        Log.Append(Readings.Meters(Catalog, meters: 1, count: 10));
        await using var host = new ForwarderHost(Catalog, Log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => host.Status("cloud").State == TargetState.AuthenticationFailed, "credentials are reported refused");
        var failed = host.Status("cloud");
        Assert.Equal(0, Log.Acknowledged("cloud"));
        Assert.Contains("'cloud'", failed.Alert);
        Assert.Contains(TokenFile, failed.Alert);
        await File.WriteAllTextAsync(TokenFile, "new-token\n");

        await ForwarderHost.WaitUntilAsync(() => Log.Acknowledged("cloud") == 10, "the readings are acknowledged");

        Assert.Equal("Token new-token", Server.Received[^1].Authorization);
        Assert.Null(host.Status("cloud").Alert);
    }

    [Fact]
    public async Task Forward_GoodReadingWithNaN_DeadLetteredWithReasonAndOthersDelivered()
    {
        var series = Catalog.Intern(new SeriesKey("energy", [new Tag("meter", "m0")], "wh", "Wh"));
        Log.Append([new Reading(series, Readings.Start, double.NaN), new Reading(series, Readings.Start.AddSeconds(1), 5)]);
        await using var host = new ForwarderHost(Catalog, Log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => Log.Acknowledged("cloud") == 2, "the readings are acknowledged");

        Assert.Equal("energy,meter=m0,unit=Wh wh=5 1768456801000000000\n", Assert.Single(Server.Received).Body);
        var text = await File.ReadAllTextAsync(host.DeadLetterFile("cloud"));
        Assert.Contains("not encodable", text);
        Assert.Contains("energy,meter=m0 wh [Wh] at 2026-01-15T06:00:00", text);
        Assert.Equal(1, host.Status("cloud").DeadLetteredReadings);
    }
}
