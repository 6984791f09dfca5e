using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;

namespace Loos.Edge.Forwarding.Tests.Integration;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stop_WhileRetrying_StopsPromptlyAndAcknowledgesNothing()
    {
        await using var server = await ScriptedServer.StartAsync();
        server.Rule = _ => new ScriptedResponse(503, "down");
        var catalog = new SeriesCatalog();
        var log = new InMemoryReadingLog();
        log.Append(Readings.Meters(catalog, meters: 1, count: 10));
        var target = new TargetOptions
        {
            Name = "down",
            Api = InfluxApi.V1,
            Url = server.Url.ToString(),
            Database = "site",
            BatchMaxAge = TimeSpan.FromMilliseconds(20),
            InitialRetryDelay = TimeSpan.FromSeconds(10),
            MaxRetryDelay = TimeSpan.FromSeconds(10),
        };
        var host = new ForwarderHost(catalog, log, target);
        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => server.Received.Count >= 1, "a first attempt was made");

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await host.DisposeAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopping.Elapsed}");
        Assert.Equal(0, log.Acknowledged("down"));
        Assert.Equal(TargetState.Retrying, host.Status("down").State);
    }
}
