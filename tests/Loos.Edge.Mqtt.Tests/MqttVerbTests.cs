using System.CommandLine;
using System.Text.Json;
using Loos.Edge.Testing;
using Loos.Edge.Verbs;
using static Loos.Edge.Mqtt.Tests.SourceTestSupport;

namespace Loos.Edge.Mqtt.Tests;

public sealed class MqttVerbTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LoosEdgeCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error }).WaitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("loos-edge mqtt tail: --port 70000 is not a TCP port (1-65535)", "--port", "70000")]
    [InlineData("loos-edge mqtt tail: --count 0 is not a count of at least 1", "--count", "0")]
    public async Task Tail_BadTypedValue_ExitCode2NamingTheOption(string message, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(["mqtt", "tail", "--host", "127.0.0.1", "--topic", "#", .. arguments]);

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Empty(output);
        Assert.Equal([message, "See: loos-edge mqtt tail --help"], error.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public async Task Tail_SiteFileWithTlsAndPassword_PrintsEachMessageWithItsReadingsOrItsProblem()
    {
        await using var broker = await StartTlsBrokerAsync();
        File.WriteAllText(Path.Combine(broker.Directory, "mqtt.credentials"), $"{UserName}\n{Password}\n");
        var siteFile = Path.Combine(broker.Directory, "site.yaml");
        File.WriteAllText(siteFile, $"""
            buffer:
              directory: buffer
            mqtt:
              host: localhost
              port: {broker.TlsPort}
              credentialsFile: mqtt.credentials
              tls:
                enabled: true
                caFile: {broker.CaFile}
              subscriptions:
                - topic: "building/{"{device}"}/power"
                  payload: number
                  measurement: power_meter
                  field: power
                  unit: W
            """);

        // Retained, so that the tail gets them as soon as it subscribes.
        await broker.PublishAsync("building/m1/power", "42.5", tls: true, retain: true);
        await broker.PublishAsync("building/m2/power", "oops", tls: true, retain: true);
        var (exitCode, output, error) = await RunAsync("mqtt", "tail", "--config", siteFile, "--topic", "building/+/power", "--json", "--count", "2");

        Assert.True(exitCode == ExitCodes.Success, error);
        var messages = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToDictionary(m => m.GetProperty("topic").GetString()!);
        var good = messages["building/m1/power"];
        Assert.Equal("42.5", good.GetProperty("payload").GetString());
        Assert.True(good.GetProperty("mapped").GetBoolean());
        var reading = Assert.Single(good.GetProperty("readings").EnumerateArray());
        Assert.Equal("power_meter", reading.GetProperty("measurement").GetString());
        Assert.Equal("m1", reading.GetProperty("tags").GetProperty("device").GetString());
        Assert.Equal(("power", 42.5, "W"), (reading.GetProperty("field").GetString(), reading.GetProperty("value").GetDouble(), reading.GetProperty("unit").GetString()));
        var bad = messages["building/m2/power"];
        Assert.False(bad.GetProperty("mapped").GetBoolean());
        Assert.False(string.IsNullOrEmpty(bad.GetProperty("problem").GetString()));
        Assert.Empty(bad.GetProperty("readings").EnumerateArray());
    }

    [Fact]
    public async Task Tail_TextWithoutSiteFile_PrintsTopicAndPayload()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await broker.PublishAsync("lighting/mat-3/level", "40", retain: true);

        var (exitCode, output, _) = await RunAsync("mqtt", "tail", "--host", broker.Host, "--port", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--topic", "lighting/#", "--count", "1");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("lighting/mat-3/level (2 bytes): 40", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_BrokerUnreachable_ExitsOneWithTheCause()
    {
        var port = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exitCode, _, error) = await RunAsync("mqtt", "tail", "--host", "127.0.0.1", "--port", port, "--topic", "#", "--count", "1");

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.StartsWith($"loos-edge mqtt tail: cannot reach the broker 127.0.0.1:{port}:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_NoBroker_IsABadArgument()
    {
        var (exitCode, _, error) = await RunAsync("mqtt", "tail", "--topic", "#");

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains("--host", error, StringComparison.Ordinal);
    }
}
