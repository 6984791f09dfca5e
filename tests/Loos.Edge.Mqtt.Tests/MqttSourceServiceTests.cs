using System.Globalization;
using Loos.Edge.Core;
using Loos.Edge.Testing;
using MQTTnet;
using static Loos.Edge.Mqtt.Tests.SourceTestSupport;

namespace Loos.Edge.Mqtt.Tests;

/// <summary>The MQTT source against a real Mosquitto with TLS (a test CA) and a password file.</summary>
public sealed class MqttSourceServiceTests
{
    [Fact]
    public async Task Source_TlsWithPassword_EveryMessageBecomesItsReading()
    {
        await using var broker = await StartTlsBrokerAsync();
        var sink = new RecordingSink();
        var catalog = new SeriesCatalog();
        using var source = CreateSource(OptionsFor(broker, "gw-readings"), sink, catalog);
        await source.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => source.IsConnected, "the connection");
        Assert.Equal(new DeviceStatus("mqtt", "broker", true), Assert.Single(source.GetDevices()));

        await broker.PublishLinesAsync("building/meter-1/power", Enumerable.Range(1, 200).Select(i => i.ToString(CultureInfo.InvariantCulture)), tls: true);

        await WaitUntilAsync(() => sink.Readings.Count >= 200 && source.AcknowledgedCount >= 200, "200 readings");
        await source.StopAsync(CancellationToken.None);
        Assert.Equal(200, sink.Readings.Count);
        Assert.Equal(Enumerable.Range(1, 200).Sum(), sink.Readings.Sum(r => r.Value));
        var key = catalog[sink.Readings[0].Series];
        Assert.Equal("power_meter", key.Measurement);
        Assert.Equal("meter-1", key.GetTag("device"));
        Assert.Equal("power", key.Field);
        Assert.Equal("W", key.Unit);
        Assert.False(source.IsConnected);
    }

    [Fact]
    public async Task Source_MessagesArrivingWithinTheBatchWindow_AppendedTogetherAndAcknowledgedOnceWritten()
    {
        await using var broker = await StartTlsBrokerAsync();
        var sink = new RecordingSink();
        var options = OptionsFor(broker, "gw-window");
        options.BatchWindow = MqttOptions.MaxBatchWindow;
        using var source = CreateSource(options, sink, new SeriesCatalog());
        await source.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => source.IsConnected, "the connection");

        // One message at a time, as devices report: each publish is a client of its own.
        for (var i = 1; i <= 5; i++)
        {
            await broker.PublishAsync($"building/meter-{i}/power", $"{i * 100}.5", tls: true, qos: 1);
        }

        // Within the window nothing is written, so nothing is acknowledged yet.
        Assert.Empty(sink.Readings);
        Assert.Equal(0, source.AcknowledgedCount);

        await WaitUntilAsync(() => source.AcknowledgedCount >= 5, "the five messages");
        await source.StopAsync(CancellationToken.None);
        Assert.Equal(1, sink.Appends);
        Assert.Equal([100.5, 200.5, 300.5, 400.5, 500.5], sink.Readings.Select(r => r.Value));
    }

    [Fact]
    public async Task Source_BrokerRequiringAClientCertificate_ConnectsWithIt_NotWithout()
    {
        await using var broker = await MosquittoBroker.StartNewAsync(new MosquittoOptions { Tls = true, UserName = UserName, Password = Password, RequireClientCertificate = true });
        var certificates = broker.Certificates!;
        var withoutCertificate = OptionsFor(broker, "gw-no-certificate");
        var withCertificate = OptionsFor(broker, "gw-certificate");
        withCertificate.Tls.ClientCertificateFile = certificates.ClientCertificateFile;
        withCertificate.Tls.ClientKeyFile = certificates.ClientKeyFile;
        var sink = new RecordingSink();
        var refusedTime = new WatchedTimeProvider(Start);
        var refusedLog = new ListLogger<MqttSourceService>();
        using var refused = CreateSource(withoutCertificate, new RecordingSink(), new SeriesCatalog(), refusedTime, refusedLog);
        using var source = CreateSource(withCertificate, sink, new SeriesCatalog());

        await refused.StartAsync(CancellationToken.None);
        await source.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => source.IsConnected, "the connection with the client certificate");
        await broker.PublishLinesAsync("building/meter-9/power", ["42"], tls: true);
        // A later message on the same topic arrives after any second delivery of the first (MQTT keeps a topic's order).
        await broker.PublishLinesAsync("building/meter-9/power", ["43"], tls: true);
        await WaitUntilAsync(() => sink.Readings.Count >= 2, "the readings");
        await RefusedAttemptsAsync(refusedTime, refusedLog, refused, attempts: 3);
        await source.StopAsync(CancellationToken.None);
        await refused.StopAsync(CancellationToken.None);

        Assert.Equal([42.0, 43], sink.Readings.Select(r => r.Value));
        Assert.False(refused.IsConnected);
        Assert.False(Assert.Single(refused.GetDevices()).Answering);
    }

    [Fact]
    public async Task Source_BufferRefuses_MessagesNotAcknowledgedAndDeliveredToTheNextConnection()
    {
        await using var broker = await StartTlsBrokerAsync();
        var options = OptionsFor(broker, "gw-refused");
        var full = new RecordingSink { Full = true };
        using (var refusing = CreateSource(options, full, new SeriesCatalog()))
        {
            await refusing.StartAsync(CancellationToken.None);
            await WaitUntilAsync(() => refusing.IsConnected, "the connection");
            await broker.PublishLinesAsync("building/meter-2/power", ["1", "2", "3", "4", "5"], tls: true);
            await WaitUntilAsync(() => full.Refusals >= 3, "the buffer refusing the batch");
            await refusing.StopAsync(CancellationToken.None);
            Assert.Equal(0, refusing.AcknowledgedCount);
        }

        var sink = new RecordingSink();
        using var source = CreateSource(options, sink, new SeriesCatalog());
        await source.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => sink.Readings.Count >= 5, "the redelivered messages");
        // Published after the redelivery, it arrives after any further copy of the five (MQTT keeps a topic's order).
        await broker.PublishLinesAsync("building/meter-2/power", ["6"], tls: true);
        await WaitUntilAsync(() => sink.Readings.Any(r => r.Value == 6), "the message published after the redelivery");
        await source.StopAsync(CancellationToken.None);

        Assert.Equal([1.0, 2, 3, 4, 5, 6], sink.Readings.Select(r => r.Value).Order());
    }

    [Fact]
    public async Task Source_BrokerRestarted_ShownOfflineThenReconnectsAndGoesOn()
    {
        await using var broker = await StartTlsBrokerAsync();
        var options = OptionsFor(broker, "gw-restart");
        var sink = new RecordingSink();
        using var source = CreateSource(options, sink, new SeriesCatalog());
        await source.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => source.IsConnected, "the connection");

        broker.Stop();
        await WaitUntilAsync(() => !source.IsConnected, "the loss of the connection");
        Assert.False(Assert.Single(source.GetDevices()).Answering);
        await broker.StartAsync();
        await WaitUntilAsync(() => source.IsConnected, "the reconnection");
        await broker.PublishLinesAsync("building/meter-3/power", ["7", "8"], tls: true);

        await WaitUntilAsync(() => sink.Readings.Count >= 2, "the readings after the restart");
        await source.StopAsync(CancellationToken.None);
        Assert.Equal(15, sink.Readings.Sum(r => r.Value));
    }

    [Fact]
    public async Task Source_BadPayloads_AcknowledgedCountedPerTopicAndTheOthersUnaffected()
    {
        await using var broker = await StartTlsBrokerAsync();
        var options = OptionsFor(broker, "gw-bad");
        var sink = new RecordingSink();
        using (var source = CreateSource(options, sink, new SeriesCatalog()))
        {
            await source.StartAsync(CancellationToken.None);
            await WaitUntilAsync(() => source.IsConnected, "the connection");

            await broker.PublishLinesAsync("building/meter-4/power", ["10", "ten", "20", "{\"power\": 3}", "30"], tls: true);
            await broker.PublishLinesAsync("building/meter-5/power", ["NaN-ish", "40"], tls: true);

            await WaitUntilAsync(() => source.AcknowledgedCount >= 7, "every message acknowledged");
            await source.StopAsync(CancellationToken.None);
            Assert.Equal(100, sink.Readings.Sum(r => r.Value));
            Assert.Equal(4, sink.Readings.Count);
            Assert.Equal(2, source.BadPayloadCounts["building/meter-4/power"]);
            Assert.Equal(1, source.BadPayloadCounts["building/meter-5/power"]);
        }

        // Acknowledged bad payloads are not delivered again to the next connection.
        var after = new RecordingSink();
        using var next = CreateSource(options, after, new SeriesCatalog());
        await next.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => next.IsConnected, "the second connection");
        // Published now, it arrives after anything the broker still held for this session (MQTT keeps a topic's order).
        await broker.PublishLinesAsync("building/meter-4/power", ["50"], tls: true);
        await WaitUntilAsync(() => after.Readings.Count >= 1, "the message published after the reconnection");
        await next.StopAsync(CancellationToken.None);
        Assert.Equal(50, Assert.Single(after.Readings).Value);
        Assert.Empty(next.BadPayloadCounts);
    }

    [Fact]
    public async Task Source_StatusTopic_RetainedOnlineWhileConnectedOfflineAfterStop()
    {
        await using var broker = await StartTlsBrokerAsync();
        var options = OptionsFor(broker, "gw-status");
        using var source = CreateSource(options, new RecordingSink(), new SeriesCatalog());
        await source.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => source.IsConnected, "the connection");

        var online = await broker.SubscribeAsync("loos-edge/gw-status/status", 1, TimeSpan.FromSeconds(10), tls: true);
        await source.StopAsync(CancellationToken.None);
        var offline = await broker.SubscribeAsync("loos-edge/gw-status/status", 1, TimeSpan.FromSeconds(10), tls: true);

        Assert.Equal(new MqttMessageSeen("loos-edge/gw-status/status", "online"), Assert.Single(online));
        Assert.Equal(new MqttMessageSeen("loos-edge/gw-status/status", "offline"), Assert.Single(offline));
    }

    [Fact]
    public async Task SourceConnection_DroppedWithoutDisconnect_BrokerPublishesTheOfflineWill()
    {
        await using var broker = await StartTlsBrokerAsync();
        var options = OptionsFor(broker, "gw-will");
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(MqttClientOptionsFactory.ForSource(options, MqttSourceService.ReceiveMaximum));

        // Disposing without DISCONNECT closes the socket as a crash or a cut cable would.
        client.Dispose();
        var will = await broker.SubscribeAsync(options.EffectiveStatusTopic, 1, TimeSpan.FromSeconds(10), tls: true);

        Assert.Equal(new MqttMessageSeen("loos-edge/gw-will/status", "offline"), Assert.Single(will));
    }

    [Fact]
    public async Task Source_WrongPassword_StaysOfflineAndRetries()
    {
        await using var broker = await StartTlsBrokerAsync();
        var options = OptionsFor(broker, "gw-wrong");
        File.WriteAllText(options.CredentialsFile!, "gateway\nwrong\n");
        var time = new WatchedTimeProvider(Start);
        var log = new ListLogger<MqttSourceService>();
        using var source = CreateSource(options, new RecordingSink(), new SeriesCatalog(), time, log);
        await source.StartAsync(CancellationToken.None);
        await RefusedAttemptsAsync(time, log, source, attempts: 3);

        // The file is read again at each attempt: the corrected password is picked up without a restart, at the next
        // attempt, once its back-off has passed.
        File.WriteAllText(options.CredentialsFile!, $"{UserName}\n{Password}\n");
        var due = time.Armed[^1];
        time.Advance(due - time.GetUtcNow());
        await WaitUntilAsync(() => source.IsConnected, "the connection with the corrected password");
        Assert.Equal(3, time.Fired.Count);
        await source.StopAsync(CancellationToken.None);
    }

    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Sees <paramref name="attempts"/> refused connection attempts, each after the back-off the one before armed on
    /// the fake clock: until that back-off is due, the source stays offline and makes no new attempt.
    /// </summary>
    private static async Task RefusedAttemptsAsync(WatchedTimeProvider time, ListLogger<MqttSourceService> log, MqttSourceService source, int attempts)
    {
        static int Refusals(ListLogger<MqttSourceService> log) =>
            log.Messages.Count(m => m.StartsWith("MQTT: cannot connect", StringComparison.Ordinal) || m.StartsWith("MQTT: connection to", StringComparison.Ordinal));

        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            await WaitUntilAsync(() => Refusals(log) == attempt && time.Armed.Count == attempt, $"refused attempt {attempt} and its back-off");
            var due = time.Armed[^1];
            Assert.InRange(due - time.GetUtcNow(), TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
            time.Advance(due - time.GetUtcNow() - TimeSpan.FromTicks(1));
            Assert.Equal(attempt - 1, time.Fired.Count);
            Assert.Equal(attempt, Refusals(log));
            Assert.False(source.IsConnected);
            if (attempt < attempts)
            {
                time.Advance(TimeSpan.FromTicks(1));
                Assert.Equal(due, time.Fired[^1]);
            }
        }
    }
}
