using System.Net;
using System.Text.Json;
using Loos.Edge.Core;
using Loos.Edge.Core.Clock;

namespace Loos.Edge.Http.Tests;

public sealed class HealthTests
{
    private static readonly DateTimeOffset Now = GatewayHost.Now;

    private static TargetStatus Target(string name, TargetState state, string? alert = null) =>
        new(name, $"http://{name}:8086/write", state, Now.AddSeconds(-30), TimeSpan.FromSeconds(1.5), 1200, 3, state == TargetState.Healthy ? null : "HTTP 503", alert, DeadLetterEvictedReadings: 2);

    private static BufferStatistics Statistics(int damagedRegions = 0) => new(
        [
            new ConsumerStatistics("central", new BufferPosition(3, 4096), 10, 1000, Now.AddMinutes(-2)),
            new ConsumerStatistics("backup", new BufferPosition(1, 64), 500, 64000, Now.AddHours(-1)),
            new ConsumerStatistics("idle", new BufferPosition(4, 0), 0, 0, null),
        ],
        BytesOnDisk: 200_000,
        Segments: 4,
        CapBytes: 268_435_456,
        EvictedReadings: 7,
        DamagedRegions: damagedRegions);

    [Fact]
    public async Task Health_Get_ServesTheSnakeCaseDocument()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Buffer.Statistics = Statistics();
        host.Forwarder.Targets = [Target("central", TargetState.Healthy)];

        using var response = await host.Client.GetAsync(host.HealthUri("/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ok", json.GetProperty("status").GetString());
        Assert.Equal("2026-01-15T12:00:00Z", json.GetProperty("time").GetString());

        var buffer = json.GetProperty("buffer");
        Assert.Equal(500, buffer.GetProperty("unsent_readings").GetInt64());
        Assert.Equal(64000, buffer.GetProperty("unsent_bytes").GetInt64());
        Assert.Equal(200_000, buffer.GetProperty("bytes_on_disk").GetInt64());
        Assert.Equal(4, buffer.GetProperty("segments").GetInt32());
        Assert.Equal(268_435_456, buffer.GetProperty("cap_bytes").GetInt64());
        Assert.Equal("2026-01-15T11:00:00Z", buffer.GetProperty("oldest_unsent").GetString());
        Assert.Equal(7, buffer.GetProperty("evicted_readings").GetInt64());
        Assert.Equal(0, buffer.GetProperty("damaged_regions").GetInt32());
        var consumer = buffer.GetProperty("consumers")[0];
        Assert.Equal("central", consumer.GetProperty("name").GetString());
        Assert.Equal("00000003@4096", consumer.GetProperty("position").GetString());
        Assert.Equal(10, consumer.GetProperty("unsent_readings").GetInt64());
        Assert.Equal(JsonValueKind.Null, buffer.GetProperty("consumers")[2].GetProperty("oldest_unsent").ValueKind);

        var target = Assert.Single(json.GetProperty("targets").EnumerateArray());
        Assert.Equal("central", target.GetProperty("name").GetString());
        Assert.Equal("http://central:8086/write", target.GetProperty("endpoint").GetString());
        Assert.Equal("healthy", target.GetProperty("state").GetString());
        Assert.Equal("2026-01-15T11:59:30Z", target.GetProperty("last_success").GetString());
        Assert.Equal(1.5, target.GetProperty("forward_lag_seconds").GetDouble());
        Assert.Equal(1200, target.GetProperty("forwarded_readings").GetInt64());
        Assert.Equal(3, target.GetProperty("dead_lettered_readings").GetInt64());
        Assert.Equal(2, target.GetProperty("dead_letter_evicted_readings").GetInt64());
        Assert.Equal(JsonValueKind.Null, target.GetProperty("last_error").ValueKind);
        Assert.Equal(JsonValueKind.Null, target.GetProperty("alert").ValueKind);
    }

    [Fact]
    public async Task Health_TargetWithWrongCredentials_ReportsAlert()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Forwarder.Targets = [Target("central", TargetState.Healthy), Target("cloud", TargetState.AuthenticationFailed, "the token was refused (401): fix the credentials")];

        using var response = await host.Client.GetAsync(host.HealthUri("/health"));

        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("alert", json.GetProperty("status").GetString());
        Assert.Equal("authentication_failed", json.GetProperty("targets")[1].GetProperty("state").GetString());
        Assert.Contains("401", json.GetProperty("targets")[1].GetProperty("alert").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TargetState.Starting, 0, "ok")]
    [InlineData(TargetState.Healthy, 0, "ok")]
    [InlineData(TargetState.Retrying, 0, "degraded")]
    [InlineData(TargetState.CircuitOpen, 0, "degraded")]
    [InlineData(TargetState.Healthy, 2, "degraded")]
    [InlineData(TargetState.AuthenticationFailed, 0, "alert")]
    [InlineData(TargetState.AuthenticationFailed, 2, "alert")]
    public void Create_TargetStateAndDamage_GiveTheStatus(TargetState state, int damagedRegions, string status)
    {
        var report = HealthReport.Create(Statistics(damagedRegions), [Target("a", TargetState.Healthy), Target("b", state)], Now);

        Assert.Equal(status, report.Status);
    }

    [Fact]
    public void Create_PolledDeviceNotAnswering_IsDegradedAndListsIt()
    {
        DeviceStatus[] devices = [new("rs485-boiler-room", "main-meter", Answering: true), new("rs485-boiler-room", "heat-pump-meter", Answering: false)];

        var report = HealthReport.Create(Statistics(), [Target("central", TargetState.Healthy)], Now, devices);

        Assert.Equal(HealthReport.Degraded, report.Status);
        Assert.Equal([("main-meter", "online"), ("heat-pump-meter", "offline")], report.Devices.Select(d => (d.Device, d.State)));
        Assert.All(report.Devices, d => Assert.Equal("rs485-boiler-room", d.Bus));
        var json = JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(report, HealthJsonContext.Default.HealthReport)).RootElement;
        Assert.Equal("offline", json.GetProperty("devices")[1].GetProperty("state").GetString());
    }

    [Fact]
    public void Create_DeviceWithDroppedReadings_ShowsTheCountAsDroppedReadings()
    {
        var report = HealthReport.Create(Statistics(), [], Now, [new DeviceStatus("cellar", "home-12", Answering: true, DroppedReadings: 42)]);

        var json = JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(report, HealthJsonContext.Default.HealthReport)).RootElement;
        Assert.Equal(42, json.GetProperty("devices")[0].GetProperty("dropped_readings").GetInt64());
    }

    [Fact]
    public void Create_ClockNotSynchronised_IsDegradedAndShowsSinceWhenWhyAndTheReadingsHeld()
    {
        var since = new DateTimeOffset(2023, 11, 25, 6, 12, 3, TimeSpan.Zero);
        var clock = new ClockStatus(Synchronised: false, since, HeldReadings: 240, SetAsideReadings: 0, Detail: "no NTP time yet");

        var report = HealthReport.Create(Statistics(), [Target("central", TargetState.Healthy)], Now, [], clock);

        Assert.Equal(HealthReport.Degraded, report.Status);
        var json = JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(report, HealthJsonContext.Default.HealthReport)).RootElement.GetProperty("clock");
        Assert.False(json.GetProperty("synchronised").GetBoolean());
        Assert.Equal("2023-11-25T06:12:03Z", json.GetProperty("since").GetString());
        Assert.Equal(240, json.GetProperty("held_readings").GetInt64());
        Assert.Equal("no NTP time yet", json.GetProperty("detail").GetString());
    }

    [Fact]
    public void Create_ClockSynchronised_StaysOk()
    {
        var clock = new ClockStatus(Synchronised: true, Now, HeldReadings: 0, SetAsideReadings: 0, Detail: null);

        var report = HealthReport.Create(Statistics(), [Target("central", TargetState.Healthy)], Now, [], clock);

        Assert.Equal(HealthReport.Ok, report.Status);
        Assert.True(report.Clock!.Synchronised);
    }

    [Fact]
    public void Create_EveryDeviceAnswering_StaysOk()
    {
        var report = HealthReport.Create(Statistics(), [Target("central", TargetState.Healthy)], Now, [new DeviceStatus("roof", "inverter", Answering: true)]);

        Assert.Equal(HealthReport.Ok, report.Status);
    }

    [Fact]
    public void Create_NoConsumers_ReportsNothingUnsent()
    {
        var report = HealthReport.Create(new BufferStatistics([], 0, 0, 1000, 0, 0), [], Now);

        Assert.Equal(0, report.Buffer.UnsentReadings);
        Assert.Null(report.Buffer.OldestUnsent);
        Assert.Equal("ok", report.Status);
        Assert.Empty(report.Targets);
    }

    [Fact]
    public void Create_StateNames_AreSnakeCase()
    {
        var report = HealthReport.Create(Statistics(), [Target("a", TargetState.CircuitOpen), Target("b", TargetState.Starting)], Now);

        Assert.Equal(["circuit_open", "starting"], report.Targets.Select(t => t.State));
        Assert.Equal(DateTimeKind.Utc, report.Time.Kind);
    }

    [Fact]
    public void BufferHealth_SerialisedAlone_HasTheSameShapeAsInTheReport()
    {
        var json = JsonSerializer.Serialize(BufferHealth.Create(Statistics()), HealthJsonContext.Default.BufferHealth);
        var root = JsonDocument.Parse(json).RootElement;

        Assert.Equal(
            ["unsent_readings", "unsent_bytes", "bytes_on_disk", "segments", "cap_bytes", "oldest_unsent", "evicted_readings", "damaged_regions", "consumers", "disk_error", "possible_loss_after", "possible_loss_stops"],
            root.EnumerateObject().Select(p => p.Name));
    }
}
