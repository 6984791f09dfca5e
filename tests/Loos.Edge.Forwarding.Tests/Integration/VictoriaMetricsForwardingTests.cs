using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;
using Loos.Edge.Testing;

namespace Loos.Edge.Forwarding.Tests.Integration;

public sealed class VictoriaMetricsForwardingTests
{
    [Fact]
    public async Task Forward_V2ToVictoriaMetrics_EveryReadingArrives()
    {
        await using var server = await VictoriaMetricsServer.StartNewAsync();
        var catalog = new SeriesCatalog();
        var log = new InMemoryReadingLog();
        var readings = Readings.Meters(catalog, meters: 3, count: 2000);
        log.Append(readings);
        var tokenFile = Readings.TempFile(server.Directory, "token", "unused-by-victoria-metrics");
        var target = new TargetOptions
        {
            Name = "victoria",
            Api = InfluxApi.V2,
            Url = server.Url.ToString(),
            Org = "loos",
            Bucket = "energy",
            TokenFile = tokenFile,
            BatchSize = 1000,
            BatchMaxAge = TimeSpan.FromMilliseconds(50),
        };
        await using var host = new ForwarderHost(catalog, log, target);

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("victoria") == readings.Length, "every reading is acknowledged");

        var totals = await server.CountAndSumAsync("{__name__=\"energy_wh\"}");
        Assert.Equal(3, totals.Count);
        for (var meter = 0; meter < 3; meter++)
        {
            var (count, sum) = totals[$"energy_wh{{meter=\"m{meter}\",unit=\"Wh\"}}"];
            Assert.Equal(2000, count);
            Assert.Equal(Enumerable.Range(0, 2000).Sum(i => i + (meter / 10.0)), sum, 6);
        }

        Assert.Equal(readings.Length, host.Status("victoria").ForwardedReadings);
    }
}
