using System.Globalization;
using Loos.Edge.Core;
using Loos.Edge.Mqtt.Mapping;
using Loos.Edge.Mqtt.Tests.Mapping;
using Loos.Edge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Loos.Edge.Mqtt.Tests.SourceTestSupport;

namespace Loos.Edge.Mqtt.Tests;

/// <summary>Statuses without a timestamp of their own, taken at the receive time, against a real Mosquitto.</summary>
public sealed class ReceiveTimeTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    internal static string ShellyStatus(int index) => string.Create(
        CultureInfo.InvariantCulture,
        $$$"""{"id":0, "source":"timer", "output":true, "apower":{{{40 + index}}}.5, "voltage":231.4, "current":0.212, "aenergy":{"total":{{{1500 + index}}}.25,"by_minute":[803.1,812.4,809.7],"minute_ts":1764115200}, "temperature":{"tC":41.3, "tF":106.3}}""");

    [Fact]
    public async Task Source_ShellyStatusesQueuedWhileStopped_EachKeepsATimeOfItsOwnPerSeries()
    {
        await using var broker = await StartTlsBrokerAsync();
        var options = OptionsFor(broker, "gw-shelly-burst");
        options.Subscriptions.Clear();
        options.Subscriptions.Add(new MqttMappingOptions { Preset = "shelly-gen2" });
        options.PresetDirectory = MappingHarness.PresetDirectory;

        // The first session subscribes; then the gateway is away while the device sends 20 statuses.
        using (var first = CreateSource(options, new RecordingSink(), new SeriesCatalog()))
        {
            await first.StartAsync(CancellationToken.None);
            await WaitUntilAsync(() => first.IsConnected, "the first connection");
            await first.StopAsync(CancellationToken.None);
        }

        await broker.PublishLinesAsync("shellyplus1pm-a8032ab12345/status/switch:0", Enumerable.Range(1, 20).Select(ShellyStatus), tls: true);

        // The clock does not move while the burst arrives: one receive time for all. No batch window: it would wait on
        // that clock.
        options.BatchWindow = TimeSpan.Zero;
        var time = new FakeTimeProvider(Start);
        var sink = new RecordingSink();
        var catalog = new SeriesCatalog();
        using var source = new MqttSourceService(options, sink, catalog, time, NullLogger<MqttSourceService>.Instance);
        await source.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => source.AcknowledgedCount >= 20, "the 20 queued statuses");
        await source.StopAsync(CancellationToken.None);

        var power = sink.Readings.Where(r => catalog[r.Series].Field == "apower").ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => 40 + i + 0.5), power.Select(r => r.Value));
        Assert.Equal(20, power.Select(r => r.Timestamp).Distinct().Count());
        Assert.All(power.Zip(power.Skip(1)), pair => Assert.True(pair.First.Timestamp < pair.Second.Timestamp));
        Assert.Equal(Start, power[0].Timestamp);

        // The fields of one status keep one time, so that they stay one point.
        var points = sink.Readings.GroupBy(r => r.Timestamp).ToList();
        Assert.Equal(20, points.Count);
        Assert.All(points, point => Assert.Equal(6, point.Select(r => r.Series).Distinct().Count()));
    }
}
