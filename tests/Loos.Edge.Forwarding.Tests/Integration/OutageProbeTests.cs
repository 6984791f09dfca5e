using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Forwarding.Tests.Integration;

/// <summary>The circuit breaker on a fake clock: how often a down target is probed, and how soon its return is noticed.</summary>
public sealed class OutageProbeTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private readonly SeriesCatalog catalog = new();
    private readonly InMemoryReadingLog log = new();
    private readonly FakeTimeProvider time = new(Readings.Start);
    private ScriptedServer server = null!;

    public async Task InitializeAsync() => server = await ScriptedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    /// <summary>Advances the fake clock a step at a time, letting the forwarder's real I/O run in between, until <paramref name="condition"/> holds.</summary>
    private async Task<TimeSpan> AdvanceUntilAsync(Func<bool> condition, TimeSpan limit, string what)
    {
        var advanced = TimeSpan.Zero;
        while (!condition())
        {
            Assert.True(advanced < limit, $"{what} did not happen within {limit} of fake time.");
            time.Advance(Step);
            advanced += Step;
            await Task.Delay(40);
        }

        return advanced;
    }

    private async Task AdvanceAsync(TimeSpan duration)
    {
        for (var advanced = TimeSpan.Zero; advanced < duration; advanced += Step)
        {
            time.Advance(Step);
            await Task.Delay(40);
        }
    }

    [Fact]
    public async Task Forward_TargetDownThenBack_ProbesOncePerBreakWithoutResendingAndDeliversWithinTwoSeconds()
    {
        // Down as seen through a reverse proxy: writes and pings both answered 502. Breaker and back-off at their defaults.
        server.Rule = _ => new ScriptedResponse(502, "bad gateway");
        server.PingStatus = 502;
        log.Append(Readings.Meters(catalog, meters: 1, count: 10));
        var target = new TargetOptions { Name = "central", Api = InfluxApi.V1, Url = server.Url.ToString(), Database = "site" };
        await using var host = new ForwarderHost(catalog, log, time, null, target);

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => server.Received.Count == 1, "the first write arrives");
        await AdvanceUntilAsync(() => host.Status("central").State == TargetState.CircuitOpen, TimeSpan.FromMinutes(2), "the circuit opening");
        var pingsAtOpen = server.Pings.Count;

        await AdvanceAsync(TimeSpan.FromSeconds(10));

        // Probed about once per second (the default break), never with the batch again.
        Assert.InRange(server.Pings.Count - pingsAtOpen, 5, 11);
        Assert.Single(server.Received);
        var down = host.Status("central");
        Assert.Equal(TargetState.CircuitOpen, down.State);
        Assert.Contains("502", down.LastError);
        Assert.Equal(0, log.Acknowledged("central"));

        server.Rule = null;
        server.PingStatus = 204;
        var returnTime = await AdvanceUntilAsync(() => log.Acknowledged("central") == 10, TimeSpan.FromSeconds(30), "delivery after the return");

        Assert.True(returnTime <= TimeSpan.FromSeconds(2), $"the first reading landed {returnTime.TotalSeconds} s after the target returned");
        Assert.Equal(2, server.Received.Count);
        Assert.Equal(TargetState.Healthy, host.Status("central").State);
    }

    [Fact]
    public async Task Forward_ServerAnswersPingButFailsWrites_BacksOffInsteadOfResendingEverySecond()
    {
        // InfluxDB up but unable to write (a full disk, say): the ping succeeds, the write fails.
        server.Rule = _ => new ScriptedResponse(500, "{\"error\":\"engine: disk full\"}");
        log.Append(Readings.Meters(catalog, meters: 1, count: 10));
        var target = new TargetOptions { Name = "central", Api = InfluxApi.V1, Url = server.Url.ToString(), Database = "site" };
        await using var host = new ForwarderHost(catalog, log, time, null, target);

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => server.Received.Count == 1, "the first write arrives");
        await AdvanceAsync(TimeSpan.FromSeconds(60));

        // Exponential back-off from 1 s (at most 60 s): about 7 writes in a minute, not 60.
        Assert.InRange(server.Received.Count, 3, 10);
        Assert.Contains("500: engine: disk full", host.Status("central").LastError);
        Assert.Equal(0, log.Acknowledged("central"));
    }
}
