using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Loos.Edge.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// The crew's overrides on the real gateway process: <c>loos-edge lighting override add|list|cancel</c> over its
/// management address, the same requests over its MQTT topic on a real Mosquitto, and a restart that keeps them.
/// </summary>
public sealed class LightingOverrideEndToEndTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task OverrideVerbs_AddListCancel_AppliedOrRefusedWithTheGatewaysReason()
    {
        await using var gateway = await GatewayProcess.StartAsync(LightingSite());
        var address = Address(gateway);

        // Local times in the site's zone: the gateway keeps the instants they name in Europe/Paris.
        var start = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(1), Paris);
        var localStart = start.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        var add = await GatewayProcess.RunCliAsync(
            "lighting", "override", "add", "--circuit", "rue-basly", "--level", "100", "--from", localStart, "--until", "+2h", "--reason", "feu d'artifice", "--address", address);

        Assert.True(add.ExitCode == 0, add.Error);
        Assert.StartsWith("applied: ", add.Output, StringComparison.Ordinal);
        Assert.Contains("rue-basly", add.Output, StringComparison.Ordinal);
        var id = add.Output["applied: ".Length..].Split(' ')[0];

        var list = await GatewayProcess.RunCliAsync("lighting", "override", "list", "--json", "--config", gateway.SiteFile);
        Assert.True(list.ExitCode == 0, list.Error);
        var listed = Assert.Single(JsonDocument.Parse(list.Output).RootElement.GetProperty("overrides").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal(100, listed.GetProperty("level").GetInt32());
        Assert.Equal(["rue-basly"], listed.GetProperty("circuits").EnumerateArray().Select(c => c.GetString()));
        var expectedFrom = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, start.Offset);
        Assert.Equal(expectedFrom, DateTimeOffset.Parse(listed.GetProperty("from").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(expectedFrom.AddHours(2), DateTimeOffset.Parse(listed.GetProperty("until").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal("feu d'artifice", listed.GetProperty("reason").GetString());

        var table = await GatewayProcess.RunCliAsync("lighting", "override", "list", "--address", address);
        Assert.Contains("1 override in force or to come", table.Output, StringComparison.Ordinal);
        Assert.Contains(id, table.Output, StringComparison.Ordinal);

        var unknown = await GatewayProcess.RunCliAsync("lighting", "override", "add", "--circuit", "grand-place", "--level", "0", "--until", "+1h", "--address", address);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("not applied: circuit 'grand-place' is not one of the site's circuits (place-verte, rue-basly)", unknown.Error, StringComparison.Ordinal);

        var backwards = await GatewayProcess.RunCliAsync(
            "lighting", "override", "add", "--all", "--level", "50", "--from", "2026-07-14T23:00:00+02:00", "--until", "2026-07-14T21:00:00+02:00", "--address", address);
        Assert.Equal(1, backwards.ExitCode);
        Assert.Contains("until 2026-07-14T19:00:00Z is not after from 2026-07-14T21:00:00Z", backwards.Error, StringComparison.Ordinal);

        var noLevel = await GatewayProcess.RunCliAsync("lighting", "override", "add", "--all", "--until", "+1h", "--address", address);
        Assert.Equal(2, noLevel.ExitCode);
        Assert.Contains("--level is required", noLevel.Error, StringComparison.Ordinal);

        // The HTTP answers the verbs read: 201 applied, 400 with the reason, 404 for an unknown id.
        var management = new Uri($"http://{address}/lighting/overrides");
        using (var created = await Http.PostAsync(management, new StringContent("""{"circuits":["place-verte"],"level":30,"until":"2099-01-01T00:00:00Z"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var createdId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("override").GetProperty("id").GetString();
            using var deleted = await Http.DeleteAsync(new Uri(management + "/" + createdId));
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        using (var bad = await Http.PostAsync(management, new StringContent("""{"all":true,"level":100,"until":"soon"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("until 'soon' is not an ISO 8601 time", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var missing = await Http.DeleteAsync(new Uri(management + "/deadbeef")))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        // The management endpoints answer on the health address only, never on the write listener's.
        using (var throughListener = await Http.GetAsync(new Uri(gateway.ListenerUrl, "/lighting/overrides")))
        {
            Assert.Equal(HttpStatusCode.NotFound, throughListener.StatusCode);
        }

        var cancel = await GatewayProcess.RunCliAsync("lighting", "override", "cancel", id, "--address", address);
        Assert.True(cancel.ExitCode == 0, cancel.Error);
        Assert.StartsWith($"applied: cancelled {id}", cancel.Output, StringComparison.Ordinal);

        var again = await GatewayProcess.RunCliAsync("lighting", "override", "cancel", id, "--address", address);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"no override has id '{id}'", again.Error, StringComparison.Ordinal);
        var empty = await GatewayProcess.RunCliAsync("lighting", "override", "list", "--json", "--address", address);
        Assert.Empty(JsonDocument.Parse(empty.Output).RootElement.GetProperty("overrides").EnumerateArray());
    }

    [Fact]
    public async Task OverrideVerbs_NoGatewayRunning_Exit3NamingTheAddress()
    {
        var address = $"127.0.0.1:{FreePort.Next()}";

        var list = await GatewayProcess.RunCliAsync("lighting", "override", "list", "--address", address);

        Assert.Equal(3, list.ExitCode);
        Assert.Contains($"cannot reach the gateway at {address}", list.Error, StringComparison.Ordinal);
        Assert.Single(list.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Gateway_KilledAndRestarted_KeepsItsOverrides()
    {
        var site = LightingSite();
        await using var gateway = await GatewayProcess.StartAsync(site);
        var add = await GatewayProcess.RunCliAsync("lighting", "override", "add", "--all", "--level", "0", "--until", "+3h", "--reason", "travaux", "--address", Address(gateway));
        Assert.True(add.ExitCode == 0, add.Error);
        var id = add.Output["applied: ".Length..].Split(' ')[0];

        gateway.Kill();
        await gateway.StartAsync();

        var list = await GatewayProcess.RunCliAsync("lighting", "override", "list", "--json", "--address", Address(gateway));
        var kept = Assert.Single(JsonDocument.Parse(list.Output).RootElement.GetProperty("overrides").EnumerateArray());
        Assert.Equal(id, kept.GetProperty("id").GetString());
        Assert.True(kept.GetProperty("all").GetBoolean());
        Assert.Equal("travaux", kept.GetProperty("reason").GetString());
        Assert.True(File.Exists(Path.Combine(site.BufferDirectory, "lighting-overrides.dat")));
    }

    [Fact]
    public async Task ManagementEndpoints_HealthOnTheNetwork_OverridesOnlyFromTheGatewayItself()
    {
        var site = LightingSite();
        site.HealthHost = "0.0.0.0";
        await using var gateway = await GatewayProcess.StartAsync(site);
        var networkAddress = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .First(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        var fromNetwork = new Uri($"http://{networkAddress}:{gateway.HealthUrl.Port}");

        using (var health = await Http.GetAsync(new Uri(fromNetwork, "/health")))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using var refused = await Http.PostAsync(new Uri(fromNetwork, "/lighting/overrides"), new StringContent("""{"all":true,"level":0,"until":"2099-01-01T00:00:00Z"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("loopback", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var listed = await Http.GetStringAsync(new Uri(gateway.HealthUrl, "/lighting/overrides"));
        Assert.Contains("\"overrides\":[]", listed.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverrideTopic_RequestsOverMqtt_AnsweredOnTheResponseTopicOrOnReply_WithTheCorrelationData()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        var site = LightingSite();
        site.Extra += $"""

            mqtt:
              host: 127.0.0.1
              port: {broker.Port}
              clientId: gw-lighting
              reconnect:
                minDelay: 00:00:00.200
                maxDelay: 00:00:01
              subscriptions:
                - topic: "armoires/{"{device}"}/state"
                  payload: json
                  measurement: cabinet
                  fields:
                    - name: power
                      unit: W
            """;
        await using var gateway = await GatewayProcess.StartAsync(site);
        using var client = new MqttClientFactory().CreateMqttClient();
        var replies = new System.Collections.Concurrent.BlockingCollection<(string Topic, string Payload, byte[]? Correlation)>();
        client.ApplicationMessageReceivedAsync += received =>
        {
            var message = received.ApplicationMessage;
            replies.Add((message.Topic, message.ConvertPayloadToString(), message.CorrelationData));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithClientId("crew-page").Build());
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("crew/replies", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("loos-edge/gw-lighting/lighting/override/reply", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        var until = DateTimeOffset.UtcNow.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        // The gateway subscribes once connected: a list request is sent until one is answered, then the add once.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var answered = false;
        while (!answered && DateTime.UtcNow < deadline)
        {
            await client.PublishAsync(Request("""{"action":"list"}""").Build());
            answered = replies.TryTake(out _, TimeSpan.FromSeconds(1));
        }

        Assert.True(answered, $"no reply to a list request within 30 s\n{gateway.Tail()}");
        while (replies.TryTake(out _, TimeSpan.FromMilliseconds(500)))
        {
            // The replies to the list requests answered late.
        }

        await client.PublishAsync(Request($$"""{"action":"add","circuits":["place-verte"],"level":70,"until":"{{until}}","reason":"marché de nuit"}""")
            .WithResponseTopic("crew/replies")
            .WithCorrelationData("request-1"u8.ToArray())
            .Build());
        Assert.True(replies.TryTake(out var reply, TimeSpan.FromSeconds(10)), $"no reply to the add request\n{gateway.Tail()}");
        Assert.Equal("crew/replies", reply.Topic);
        Assert.Equal("request-1", Encoding.UTF8.GetString(reply.Correlation!));
        var added = JsonDocument.Parse(reply.Payload!).RootElement;
        Assert.True(added.GetProperty("applied").GetBoolean());
        Assert.Equal(70, added.GetProperty("override").GetProperty("level").GetInt32());

        await client.PublishAsync(Request("""{"action":"add","circuits":["place-verte"],"level":170,"until":"2099-01-01T00:00:00Z"}""").Build());
        Assert.True(replies.TryTake(out var refused, TimeSpan.FromSeconds(10)), $"no reply to the refused request\n{gateway.Tail()}");
        Assert.Equal("loos-edge/gw-lighting/lighting/override/reply", refused.Topic);
        var error = JsonDocument.Parse(refused.Payload!).RootElement;
        Assert.False(error.GetProperty("applied").GetBoolean());
        Assert.Contains("level 170", error.GetProperty("error").GetString(), StringComparison.Ordinal);

        // What came over MQTT is what the management address lists.
        var list = await GatewayProcess.RunCliAsync("lighting", "override", "list", "--json", "--address", Address(gateway));
        var listed = JsonDocument.Parse(list.Output).RootElement.GetProperty("overrides").EnumerateArray().ToList();
        Assert.Contains(listed, o => o.GetProperty("reason").GetString() == "marché de nuit" && o.GetProperty("level").GetInt32() == 70);
        Assert.DoesNotContain(listed, o => o.GetProperty("level").GetInt32() == 170);
    }

    private static MqttApplicationMessageBuilder Request(string payload) => new MqttApplicationMessageBuilder()
        .WithTopic("loos-edge/gw-lighting/lighting/override")
        .WithPayload(payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);

    private static string Address(GatewayProcess gateway) => $"127.0.0.1:{gateway.HealthUrl.Port}";

    /// <summary>A site with two contactor circuits on the simulated GPIO driver and a plain programme every night.</summary>
    private static SiteFileBuilder LightingSite()
    {
        var site = new SiteFileBuilder();
        File.WriteAllText(Path.Combine(site.Directory, "edges.txt"), string.Empty);
        site.Extra = """
            gpio:
              driver: simulated
              simulatedEdges: edges.txt
            lighting:
              circuits:
                - name: rue-basly
                  kind: relay
                  pin: 17
                  ratedPowerW: 1200
                - name: place-verte
                  kind: relay
                  pin: 27
                  ratedPowerW: 800
              programmes:
                - name: every-night
                  steps:
                    - at: "18:00"
                      level: 100
                    - at: "07:00"
                      level: 0
              calendar:
                - programme: every-night
            """;
        return site;
    }
}
