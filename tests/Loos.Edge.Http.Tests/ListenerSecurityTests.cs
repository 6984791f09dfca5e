using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Http.Tests;

public sealed class ListenerSecurityTests : IDisposable
{
    private const string Token = "s3cr3t-t0ken-of-the-school-gateway";

    private readonly string tokenFile = Path.Combine(Path.GetTempPath(), $"loos-listener-token-{Guid.NewGuid():N}");

    public ListenerSecurityTests()
    {
        File.WriteAllText(tokenFile, Token + "\n");
    }

    public void Dispose() => File.Delete(tokenFile);

    private Task<GatewayHost> StartBeyondLoopbackAsync() => GatewayHost.StartAsync(settings =>
    {
        settings["listener:address"] = settings["listener:address"]!.Replace("127.0.0.1", "0.0.0.0", StringComparison.Ordinal);
        settings["listener:tokenFile"] = tokenFile;
    });

    private static StringContent Body() => new("pv,roof=school power=1520 1700000000000000000\n", Encoding.UTF8);

    [Fact]
    public void Defaults_ListenerAndHealth_AreLoopbackOnly()
    {
        Assert.True(IPAddress.IsLoopback(EndpointAddress.Parse(new ListenerOptions().Address, "listener:address").Address));
        Assert.True(IPAddress.IsLoopback(EndpointAddress.Parse(new HealthOptions().Address, "health:address").Address));
        Assert.Null(new ListenerOptions().TokenFile);
    }

    [Fact]
    public async Task LoopbackListener_IsNotReachableThroughTheMachinesOtherAddresses()
    {
        await using var host = await GatewayHost.StartAsync();
        var others = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();
        Assert.NotEmpty(others); // the test needs a network interface beyond loopback to try

        foreach (var address in others)
        {
            foreach (var port in new[] { host.ListenerPort, host.HealthPort })
            {
                using var client = new TcpClient();
                var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(address, port));
                Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            }
        }
    }

    [Fact]
    public async Task BeyondLoopback_WithoutToken_Answers401WithInfluxDbErrorBodiesAndStoresNothing()
    {
        await using var host = await StartBeyondLoopbackAsync();

        using var v2 = await host.Client.PostAsync(host.ListenerUri("/api/v2/write?org=town&bucket=energy"), Body());
        using var v1 = await host.Client.PostAsync(host.ListenerUri("/write?db=energy"), Body());
        using var wrongToken = new HttpRequestMessage(HttpMethod.Post, host.ListenerUri("/api/v2/write")) { Content = Body() };
        wrongToken.Headers.Authorization = new AuthenticationHeaderValue("Token", Token + "x");
        using var wrong = await host.Client.SendAsync(wrongToken);
        using var wrongPassword = await host.Client.PostAsync(host.ListenerUri("/write?db=energy&u=pv&p=guess"), Body());

        Assert.Equal(HttpStatusCode.Unauthorized, v2.StatusCode);
        var v2Error = JsonDocument.Parse(await v2.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("unauthorized", v2Error.GetProperty("code").GetString());
        Assert.Equal("unauthorized access", v2Error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, v1.StatusCode);
        Assert.Equal("authorization failed", JsonDocument.Parse(await v1.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Empty(host.Sink.Appends);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains(Token, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Token")]
    [InlineData("Bearer")]
    [InlineData("Basic")]
    [InlineData("query")]
    public async Task BeyondLoopback_WithTheToken_Answers204(string how)
    {
        await using var host = await StartBeyondLoopbackAsync();
        var path = how == "query" ? $"/write?db=energy&u=anyone&p={Token}" : how == "Basic" ? "/write?db=energy" : "/api/v2/write?org=town&bucket=energy";
        using var request = new HttpRequestMessage(HttpMethod.Post, host.ListenerUri(path)) { Content = Body() };
        if (how is "Token" or "Bearer")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(how, Token);
        }
        else if (how == "Basic")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"telegraf:{Token}")));
        }

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Single(host.Sink.Appends);
        using var health = await host.Client.GetAsync(host.HealthUri("/health"));
        Assert.DoesNotContain(Token, await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeyondLoopback_WithoutTokenFile_DoesNotStartAndNamesTheKey()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayHost.StartAsync(settings =>
            settings["listener:address"] = settings["listener:address"]!.Replace("127.0.0.1", "0.0.0.0", StringComparison.Ordinal)));

        Assert.Contains("listener:tokenFile", failure.Message, StringComparison.Ordinal);
        Assert.Contains("beyond loopback", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_TokenFileMissingOrEmpty_IsAnErrorNamingTheKey()
    {
        var missing = ListenerOptionsValidator.Check(new ListenerOptions { Address = "0.0.0.0:8186", TokenFile = tokenFile + ".missing" });
        File.WriteAllText(tokenFile, "  \n");
        var empty = ListenerOptionsValidator.Check(new ListenerOptions { Address = "192.168.1.20:8186", TokenFile = tokenFile });

        Assert.Contains(missing, f => f.StartsWith("listener:tokenFile", StringComparison.Ordinal) && f.Contains("cannot be read", StringComparison.Ordinal));
        Assert.Contains(empty, f => f.StartsWith("listener:tokenFile", StringComparison.Ordinal) && f.Contains("is empty", StringComparison.Ordinal));
    }
}
