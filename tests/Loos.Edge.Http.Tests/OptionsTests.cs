using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Http.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("127.0.0.1:8186", "127.0.0.1", 8186)]
    [InlineData("0.0.0.0:80", "0.0.0.0", 80)]
    [InlineData("localhost:9000", "127.0.0.1", 9000)]
    [InlineData("[::1]:8186", "::1", 8186)]
    public void Parse_HostPort_GivesTheEndpoint(string text, string address, int port)
    {
        var endpoint = EndpointAddress.Parse(text, "listener:address");

        Assert.Equal(IPAddress.Parse(address), endpoint.Address);
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("8186")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("gateway.local:8186")]
    [InlineData(":8186")]
    public void Parse_NotHostPort_ThrowsNamingTheKey(string text)
    {
        var exception = Assert.Throws<FormatException>(() => EndpointAddress.Parse(text, "listener:address"));

        Assert.StartsWith($"listener:address '{text}' is not host:port", exception.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddGatewayHttp(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Options_NothingConfigured_AreTheDefaults()
    {
        using var services = Services([]);

        var listener = services.GetRequiredService<IOptions<ListenerOptions>>().Value;
        var health = services.GetRequiredService<IOptions<HealthOptions>>().Value;

        Assert.True(listener.Enabled);
        Assert.Equal("127.0.0.1:8186", listener.Address);
        Assert.Equal(32L * 1024 * 1024, listener.MaxBodyBytes);
        Assert.Equal("127.0.0.1:8187", health.Address);
    }

    [Fact]
    public void Options_BadListenerAddress_FailNamingTheKey()
    {
        using var services = Services(new() { ["listener:address"] = "everywhere" });

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ListenerOptions>>().Value);

        Assert.Contains("listener:address 'everywhere' is not host:port", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NonPositiveBodyLimit_FailNamingTheKey()
    {
        using var services = Services(new() { ["listener:maxBodyBytes"] = "0" });

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ListenerOptions>>().Value);

        Assert.Contains("listener:maxBodyBytes", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_HealthOnTheListenerPort_Fail()
    {
        using var services = Services(new() { ["health:address"] = "127.0.0.1:8186" });

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<HealthOptions>>().Value);

        Assert.Contains("health:address", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_HealthOnTheListenerPortWhileListenerDisabled_AreValid()
    {
        using var services = Services(new() { ["health:address"] = "127.0.0.1:8186", ["listener:enabled"] = "false" });

        Assert.Equal("127.0.0.1:8186", services.GetRequiredService<IOptions<HealthOptions>>().Value.Address);
    }
}
