using System.Globalization;
using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;

namespace Loos.Edge.Forwarding.Tests.Integration;

public sealed class ScriptedResponseTests : IAsyncLifetime
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

    private TargetOptions V2() => new()
    {
        Name = "cloud",
        Api = InfluxApi.V2,
        Url = server.Url.ToString(),
        Org = "loos",
        Bucket = "energy",
        TokenFile = tokenFile,
        BatchMaxAge = TimeSpan.FromMilliseconds(20),
        // Back-off far below the Retry-After values, so only Retry-After explains a long wait.
        InitialRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        CircuitBreakerFailures = 100,
        AuthenticationRetryInterval = TimeSpan.FromMilliseconds(100),
    };

    [Fact]
    public async Task Forward_V2_SendsTokenGzipAndNanosecondPrecision()
    {
        var readings = Readings.Meters(catalog, meters: 1, count: 3);
        log.Append(readings);
        await using var host = new ForwarderHost(catalog, log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("cloud") == 3, "the readings are acknowledged");

        var request = Assert.Single(server.Received);
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
        server.Enqueue(new ScriptedResponse(429, "{\"code\":\"too many requests\",\"message\":\"slow down\"}", new Dictionary<string, string> { ["Retry-After"] = "1" }));
        log.Append(Readings.Meters(catalog, meters: 1, count: 10));
        await using var host = new ForwarderHost(catalog, log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("cloud") == 10, "the readings are acknowledged");

        var requests = server.Received;
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
        server.Rule = _ =>
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
        log.Append(Readings.Meters(catalog, meters: 1, count: 10));
        await using var host = new ForwarderHost(catalog, log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("cloud") == 10, "the readings are acknowledged");

        var requests = server.Received;
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
        server.Enqueue([.. Enumerable.Repeat(new ScriptedResponse(500, "{\"error\":\"engine down\"}"), 4)]);
        log.Append(Readings.Meters(catalog, meters: 1, count: 10));
        await using var host = new ForwarderHost(catalog, log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => server.Received.Count >= 3, "three attempts were made");
        Assert.Equal(0, log.Acknowledged("cloud"));
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("cloud") == 10, "the readings are acknowledged");

        Assert.Equal(5, server.Received.Count);
        Assert.Equal(TargetState.Healthy, host.Status("cloud").State);
        Assert.Contains("500: engine down", host.Status("cloud").LastError);
    }

    [Fact]
    public async Task Forward_RepeatedFailures_OpensTheCircuit()
    {
        server.Rule = _ => new ScriptedResponse(502, "bad gateway");
        log.Append(Readings.Meters(catalog, meters: 1, count: 10));
        var target = V2();
        target.CircuitBreakerFailures = 3;
        target.CircuitBreakDuration = TimeSpan.FromSeconds(30);
        await using var host = new ForwarderHost(catalog, log, target);

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => host.Status("cloud").State == TargetState.CircuitOpen, "the circuit opens");
        await Task.Delay(300);

        Assert.Equal(3, server.Received.Count);
        Assert.Equal(0, log.Acknowledged("cloud"));
    }

    [Fact]
    public async Task Forward_422ForSomeLines_DeadLettersThemAndDeliversTheRest()
    {
        // Like InfluxDB 2.x: a batch holding a bad line is refused with 422 and the line's error.
        server.Rule = body => body.Contains("wh=7 ", StringComparison.Ordinal)
            ? new ScriptedResponse(422, "{\"code\":\"unprocessable entity\",\"message\":\"failure writing points: value 7 is cursed\"}")
            : new ScriptedResponse(204);
        var readings = Readings.Meters(catalog, meters: 1, count: 20);
        log.Append(readings);
        await using var host = new ForwarderHost(catalog, log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("cloud") == 20, "the readings are acknowledged");

        var accepted = server.Received.Where(r => !r.Body.Contains("wh=7 ", StringComparison.Ordinal)).SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Distinct().Count();
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
        await File.WriteAllTextAsync(tokenFile, "old-token\n");
        server.Rule = _ => new ScriptedResponse(204);
        server.Enqueue(new ScriptedResponse(401, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}"));
        server.Enqueue(new ScriptedResponse(401, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}"));
        log.Append(Readings.Meters(catalog, meters: 1, count: 10));
        await using var host = new ForwarderHost(catalog, log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => host.Status("cloud").State == TargetState.AuthenticationFailed, "credentials are reported refused");
        var failed = host.Status("cloud");
        Assert.Equal(0, log.Acknowledged("cloud"));
        Assert.Contains("'cloud'", failed.Alert);
        Assert.Contains(tokenFile, failed.Alert);
        await File.WriteAllTextAsync(tokenFile, "new-token\n");

        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("cloud") == 10, "the readings are acknowledged");

        Assert.Equal("Token new-token", server.Received[^1].Authorization);
        Assert.Null(host.Status("cloud").Alert);
    }

    [Fact]
    public async Task Forward_GoodReadingWithNaN_DeadLetteredWithReasonAndOthersDelivered()
    {
        var series = catalog.Intern(new SeriesKey("energy", [new Tag("meter", "m0")], "wh", "Wh"));
        log.Append([new Reading(series, Readings.Start, double.NaN), new Reading(series, Readings.Start.AddSeconds(1), 5)]);
        await using var host = new ForwarderHost(catalog, log, V2());

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("cloud") == 2, "the readings are acknowledged");

        Assert.Equal("energy,meter=m0,unit=Wh wh=5 1768456801000000000\n", Assert.Single(server.Received).Body);
        var text = await File.ReadAllTextAsync(host.DeadLetterFile("cloud"));
        Assert.Contains("not encodable", text);
        Assert.Contains("energy,meter=m0 wh [Wh] at 2026-01-15T06:00:00", text);
        Assert.Equal(1, host.Status("cloud").DeadLetteredReadings);
    }
}
