using System.Net;
using System.Text;
using Loos.Edge.Testing;

namespace Loos.Edge.Forwarding.Tests.Servers;

public sealed class ServerFixtureTests
{
    [Fact]
    public async Task InfluxdServer_WriteStopStart_KeepsDataAcrossRestart()
    {
        await using var server = await InfluxdServer.StartNewAsync();
        await server.CreateDatabaseAsync("site");
        var (status, body) = await server.WriteLineProtocolAsync("site", "energy,meter=a wh=1.5 1000\nenergy,meter=a wh=2.5 2000\n");
        Assert.True(status == HttpStatusCode.NoContent, body);

        server.Stop();
        await server.StartAsync();

        var series = await server.QueryAsync("site", "SELECT count(wh), sum(wh) FROM energy");
        Assert.Equal(2, series[0][0, "count"].GetInt32());
        Assert.Equal(4.0, series[0][0, "sum"].GetDouble());
    }

    [Fact]
    public async Task InfluxdServer_AuthEnabled_RejectsWriteWithoutCredentials()
    {
        await using var server = await InfluxdServer.StartNewAsync(new InfluxdOptions { AuthEnabled = true, MaxBodySizeBytes = 100 });
        await server.CreateDatabaseAsync("site");
        using var http = new HttpClient();
        using var anonymous = await http.PostAsync(new Uri(server.Url, "/write?db=site"), new StringContent("m f=1 1\n"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var (large, _) = await server.WriteLineProtocolAsync("site", new string('x', 200) + " f=1 1\n");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large);
    }

    [Fact]
    public async Task VictoriaMetricsServer_V2Write_ExportsMeasurementFieldMetric()
    {
        await using var server = await VictoriaMetricsServer.StartNewAsync();
        using var http = new HttpClient();
        using var response = await http.PostAsync(
            new Uri(server.Url, "/api/v2/write?org=o&bucket=b&precision=ms"),
            new StringContent("energy,meter=a wh=1.5 1700000000000\nenergy,meter=a wh=2.5 1700000001000\n", Encoding.UTF8));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        server.Stop();
        await server.StartAsync();

        var totals = await server.CountAndSumAsync();
        Assert.Equal((2, 4.0), totals["energy_wh{meter=\"a\"}"]);
    }
}
