using System.Globalization;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// The gateway process under systemd's watchdog protocol: the test is the service manager, with its own NOTIFY_SOCKET
/// and a 2 s WATCHDOG_USEC, and a pymodbus meter polled every second.
/// </summary>
public sealed class WatchdogEndToEndTests
{
    private static readonly TimeSpan WatchdogTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Gateway_PollingMakesProgress_WatchdogHeartbeatArrivesWithinEveryTimeout()
    {
        await using var device = await PymodbusDevice.StartTcpAsync(new Dictionary<byte, RegisterImage> { [1] = new RegisterImage().SetRegisters(0, 42) });
        var site = MeterSite(device);
        using var notify = new NotifySocket(site.Directory);
        await using var gateway = await GatewayProcess.StartAsync(site, Environment(notify));
        await gateway.WaitForHealthAsync(h => Meter(h) is "online", TimeSpan.FromSeconds(30), "the meter online");

        var heartbeats = await notify.HeartbeatsDuringAsync(TimeSpan.FromSeconds(8));

        // Every half timeout, as sd_watchdog_enabled(3) advises: about 8 in 8 s, and never a gap systemd would act on.
        Assert.True(heartbeats.Count >= 5, $"{heartbeats.Count} heartbeats in 8 s\n{gateway.Tail()}");
        var gaps = heartbeats.Zip(heartbeats.Skip(1), (earlier, later) => later - earlier).Prepend(heartbeats[0]);
        Assert.True(gaps.Max() < WatchdogTimeout, $"a gap of {gaps.Max().TotalSeconds:0.0} s between heartbeats\n{gateway.Tail()}");
        Assert.Equal("online", Meter(await gateway.HealthAsync()));
    }

    [Fact]
    public async Task Gateway_PollStuckWaitingForAnAnswer_HeartbeatStopsAndHealthNamesTheLoop()
    {
        await using var device = await PymodbusDevice.StartTcpAsync(new Dictionary<byte, RegisterImage> { [1] = new RegisterImage().SetRegisters(0, 42) });
        var site = MeterSite(device);
        using var notify = new NotifySocket(site.Directory);
        await using var gateway = await GatewayProcess.StartAsync(site, Environment(notify));
        await gateway.WaitForHealthAsync(h => Meter(h) is "online", TimeSpan.FromSeconds(30), "the meter online");
        Assert.NotEmpty(await notify.HeartbeatsDuringAsync(TimeSpan.FromSeconds(2)));

        // The meter takes its requests and answers none for an hour; the bus waits as long as its responseTimeout allows.
        device.SetFaults(new PymodbusFaults { Delays = [new PymodbusReplyDelay(0, 10, TimeSpan.FromHours(1))] });

        var health = await gateway.WaitForHealthAsync(h => Overdue(h) is not null, TimeSpan.FromSeconds(30), "an overdue loop");
        Assert.Equal("Modbus bus roof", Overdue(health));
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        await gateway.WaitForLogAsync("Watchdog: Modbus bus roof did not come round", TimeSpan.FromSeconds(10));

        // From then on, twice the timeout without a heartbeat: systemd would have restarted the gateway.
        await notify.DrainAsync();
        Assert.Empty(await notify.HeartbeatsDuringAsync(WatchdogTimeout * 2));
    }

    private static SiteFileBuilder MeterSite(PymodbusDevice device) => new()
    {
        Extra = $"""
            modbus:
              buses:
                - name: roof
                  kind: tcp
                  host: {device.Host}
                  port: {device.Port}
                  responseTimeout: 01:00:00
                  devices:
                    - name: meter
                      unitId: 1
                      interval: 00:00:01
                      points:
                        - name: level
                          address: 0
                          type: u16
            """,
    };

    private static Dictionary<string, string> Environment(NotifySocket notify) => new()
    {
        ["NOTIFY_SOCKET"] = notify.Path,
        ["WATCHDOG_USEC"] = ((long)WatchdogTimeout.TotalMicroseconds).ToString(CultureInfo.InvariantCulture),
    };

    private static string? Meter(System.Text.Json.JsonElement health) =>
        health.GetProperty("devices").EnumerateArray().FirstOrDefault(d => d.GetProperty("device").GetString() == "meter") is { ValueKind: System.Text.Json.JsonValueKind.Object } meter
            ? meter.GetProperty("state").GetString()
            : null;

    private static string? Overdue(System.Text.Json.JsonElement health) =>
        health.GetProperty("devices").EnumerateArray().FirstOrDefault(d => d.GetProperty("bus").GetString() == "watchdog" && d.GetProperty("state").GetString() == "overdue") is { ValueKind: System.Text.Json.JsonValueKind.Object } loop
            ? loop.GetProperty("device").GetString()
            : null;
}
