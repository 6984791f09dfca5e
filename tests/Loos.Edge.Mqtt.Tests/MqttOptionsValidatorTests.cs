using Loos.Edge.Mqtt.Mapping;
using Loos.Edge.Testing;

namespace Loos.Edge.Mqtt.Tests;

public sealed class MqttOptionsValidatorTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-mqtt-options-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Defaults_PlainAndTls_TakeTheIanaPortsAndNameTheStatusTopicAfterTheClient()
    {
        var options = new MqttOptions { Host = "broker.local" };

        Assert.Equal(1883, options.EffectivePort);
        Assert.StartsWith("loos-edge-", options.EffectiveClientId, StringComparison.Ordinal);
        Assert.Equal($"loos-edge/{options.EffectiveClientId}/status", options.EffectiveStatusTopic);
        Assert.Equal(TimeSpan.FromDays(7), options.SessionExpiry);
        Assert.Equal(TimeSpan.FromMinutes(1), options.BadPayloadLogInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.BatchWindow);

        options.Tls.Enabled = true;
        options.ClientId = "gw-basly";
        Assert.Equal(8883, options.EffectivePort);
        Assert.Equal("loos-edge/gw-basly/status", options.EffectiveStatusTopic);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5001)]
    public void Check_BatchWindowOutOfRange_NamesTheKey(int milliseconds)
    {
        var options = Valid();
        options.BatchWindow = TimeSpan.FromMilliseconds(milliseconds);

        var problem = Assert.Single(MqttOptionsValidator.Check(options));
        Assert.StartsWith("mqtt:batchWindow", problem);
        Assert.Contains("must be between 0 and 00:00:05", problem);
    }

    [Fact]
    public void Check_NoHostNoSubscriptions_IsValid()
    {
        Assert.Empty(MqttOptionsValidator.Check(new MqttOptions()));
    }

    [Fact]
    public void Check_ValidTlsWithCredentialsAndClientCertificate_HasNoProblem()
    {
        var certificates = TestCertificates.Create(Path.Combine(directory, "certificates"));
        var options = Valid();
        options.Tls.Enabled = true;
        options.Tls.CaFile = certificates.CaFile;
        options.Tls.ClientCertificateFile = certificates.ClientCertificateFile;
        options.Tls.ClientKeyFile = certificates.ClientKeyFile;
        options.CredentialsFile = WriteFile("credentials", "gateway\nsecret\n");

        Assert.Empty(MqttOptionsValidator.Check(options));
    }

    [Fact]
    public void Check_EveryProblem_ReportedWithItsKey()
    {
        var options = Valid();
        options.Port = 70000;
        options.Tls.CaFile = Path.Combine(directory, "ca.pem");
        options.CredentialsFile = Path.Combine(directory, "missing-credentials");
        options.KeepAlive = TimeSpan.FromDays(2);
        options.SessionExpiry = TimeSpan.Zero;
        options.Reconnect.MinDelay = TimeSpan.FromSeconds(10);
        options.Reconnect.MaxDelay = TimeSpan.FromSeconds(5);
        options.StatusTopic = "loos-edge/+/status";
        options.BadPayloadLogInterval = TimeSpan.Zero;
        options.ClientId = "a/b";

        var problems = MqttOptionsValidator.Check(options);

        foreach (var key in new[] { "mqtt:port:", "mqtt:tls:caFile:", "mqtt:credentialsFile:", "mqtt:keepAlive:", "mqtt:sessionExpiry:", "mqtt:reconnect:maxDelay:", "mqtt:statusTopic:", "mqtt:badPayloadLogInterval:", "mqtt:clientId:" })
        {
            Assert.Contains(problems, problem => problem.StartsWith(key, StringComparison.Ordinal));
        }

        Assert.Contains(problems, problem => problem.StartsWith("mqtt:tls:caFile:", StringComparison.Ordinal) && problem.Contains("mqtt:tls:enabled is false", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.StartsWith("mqtt:credentialsFile:", StringComparison.Ordinal) && problem.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_TlsFilesMissingOrUnpaired_NamesEachFile()
    {
        var options = Valid();
        options.Tls.Enabled = true;
        options.Tls.CaFile = Path.Combine(directory, "nowhere.pem");
        options.Tls.ClientCertificateFile = WriteFile("client.pem", "not a certificate");

        var problems = MqttOptionsValidator.Check(options);

        Assert.Contains(problems, problem => problem.StartsWith("mqtt:tls:caFile: file ", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.StartsWith("mqtt:tls:clientKeyFile: required", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_CaFileWithoutCertificate_IsAProblem()
    {
        var options = Valid();
        options.Tls.Enabled = true;
        options.Tls.CaFile = WriteFile("ca.pem", "nothing here");

        Assert.Contains(MqttOptionsValidator.Check(options), problem => problem.StartsWith("mqtt:tls:caFile:", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_CredentialsFileWithoutPasswordLine_IsAProblem()
    {
        var options = Valid();
        options.CredentialsFile = WriteFile("credentials", "gateway-only");

        var problem = Assert.Single(MqttOptionsValidator.Check(options));

        Assert.StartsWith("mqtt:credentialsFile:", problem, StringComparison.Ordinal);
        Assert.Contains("second", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SubscriptionsWithoutHost_AsksForTheHost()
    {
        var options = new MqttOptions();
        options.Subscriptions.Add(new MqttMappingOptions { Topic = "a/b" });

        Assert.StartsWith("mqtt:host:", Assert.Single(MqttOptionsValidator.Check(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void ResolvePaths_RelativeFiles_BecomeAbsolute()
    {
        var options = Valid();
        options.CredentialsFile = "mqtt.credentials";
        options.Tls.CaFile = "ca.pem";

        options.ResolvePaths(path => path is null ? null : Path.Combine("/etc/loos-edge", path));

        Assert.Equal("/etc/loos-edge/mqtt.credentials", options.CredentialsFile);
        Assert.Equal("/etc/loos-edge/ca.pem", options.Tls.CaFile);
        Assert.Equal("/etc/loos-edge/mqtt-presets", options.PresetDirectory);
        Assert.Null(options.Tls.ClientKeyFile);
    }

    private static MqttOptions Valid()
    {
        var options = new MqttOptions { Host = "127.0.0.1" };
        options.Subscriptions.Add(new MqttMappingOptions { Topic = "building/+/power", Payload = "number", Measurement = "power_meter", Unit = "W" });
        return options;
    }

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
