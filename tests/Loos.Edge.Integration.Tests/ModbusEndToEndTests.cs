using System.Globalization;
using System.Net;
using System.Text.Json;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>Modbus devices polled by the gateway process, their readings in a real influxd.</summary>
public sealed class ModbusEndToEndTests
{
    private const string Database = "loos_edge";

    [Fact]
    public async Task Gateway_MeterByProfileAndSunSpecInverter_ReadingsArriveInInfluxd()
    {
        var sunSpecDump = RepositoryPaths.Corpus is { } corpus
            ? Path.Combine(corpus, "sunspec", "devices", "sma_sb3.6-1av-41_fw4.01.15.json")
            : null;
        var units = new Dictionary<byte, RegisterImage> { [1] = MeterImage() };
        if (sunSpecDump is not null)
        {
            units[126] = RegisterImage.LoadSunSpecDump(sunSpecDump);
        }

        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        await using var device = await PymodbusDevice.StartTcpAsync(units);
        var inverter = sunSpecDump is null ? string.Empty : """
                    - name: roof-inverter
                      unitId: 126
                      sunspec: true
                      interval: 00:00:02
            """;
        var site = new SiteFileBuilder
        {
            Extra = $"""
                modbus:
                  profileDirectory: {Path.Combine(RepositoryPaths.Root, "firmware-config", "profiles")}
                  buses:
                    - name: school
                      kind: tcp
                      host: {device.Host}
                      port: {device.Port}
                      devices:
                        - name: main-meter
                          unitId: 1
                          profile: eastron-sdm630
                          interval: 00:00:02
                          tags:
                            building: ecole-basly
                {inverter}
                """,
        }.WithInfluxV1("influxd", influxd.Url, Database);
        await using var gateway = await GatewayProcess.StartAsync(site);

        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"power_w\") FROM \"electricity\" WHERE \"device\" = 'main-meter' AND \"building\" = 'ecole-basly' AND \"unit\" = 'W'", 1500.25);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"energy_import_kwh\") FROM \"electricity\" WHERE \"unit\" = 'kWh'", 12345.5);
        if (sunSpecDump is not null)
        {
            await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"W\") FROM \"inverter\" WHERE \"device\" = 'roof-inverter' AND \"unit\" = 'W'", 3680);
        }

        var devices = (await gateway.HealthAsync()).GetProperty("devices").EnumerateArray().ToList();
        Assert.Contains(devices, d => d.GetProperty("device").GetString() == "main-meter" && d.GetProperty("state").GetString() == "online");
        Assert.All(devices, d => Assert.Equal("school", d.GetProperty("bus").GetString()));
    }

    [Fact]
    public async Task Gateway_BufferFullWithEvictionDisabled_MeterReadingsCountedAsDroppedAndPollingGoesOn()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        influxd.Stop();
        await using var device = await PymodbusDevice.StartTcpAsync(new Dictionary<byte, RegisterImage> { [1] = MeterImage() });
        var site = new SiteFileBuilder
        {
            SegmentBytes = 64 * 1024,
            CapBytes = 256 * 1024,
            EvictWhenFull = false,
            Extra = $"""
                modbus:
                  profileDirectory: {Path.Combine(RepositoryPaths.Root, "firmware-config", "profiles")}
                  buses:
                    - name: school
                      kind: tcp
                      host: {device.Host}
                      port: {device.Port}
                      devices:
                        - name: main-meter
                          unitId: 1
                          profile: eastron-sdm630
                          interval: 00:00:01
                """,
        }.WithInfluxV1("influxd", influxd.Url, Database);
        await using var gateway = await GatewayProcess.StartAsync(site);

        // The listener fills the buffer until it refuses (503): from then on the meter's polls are refused too.
        var posted = new PostedReadings(homes: 3);
        var full = false;
        for (var request = 0; request < 250 && !full; request++)
        {
            var (body, points) = posted.Next(200);
            full = (await gateway.PostAsync(body)).Status == HttpStatusCode.ServiceUnavailable;
            if (!full)
            {
                posted.MarkAcknowledged(points);
            }
        }

        Assert.True(full, "the buffer never refused a write");
        static JsonElement Meter(JsonElement health) => health.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("device").GetString() == "main-meter");
        var health = await gateway.WaitForHealthAsync(h => Meter(h).GetProperty("dropped_readings").GetInt64() > 0, TimeSpan.FromSeconds(30), "the meter's readings counted as dropped");
        Assert.Equal("online", Meter(health).GetProperty("state").GetString());
        var log = await gateway.WaitForLogAsync("Modbus bus school: the buffer refused", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("a poll failed", log, StringComparison.Ordinal);

        // Once the target is back and the queue drains, the meter's new readings are written again.
        var refusedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        await influxd.StartAsync();
        await gateway.WaitForInfluxValueAsync(influxd, Database, $"SELECT last(\"power_w\") FROM \"electricity\" WHERE \"device\" = 'main-meter' AND time > '{refusedAt}'", 1500.25);
    }

    /// <summary>An SDM630's input registers: float32, high word first, at the datasheet's addresses.</summary>
    private static RegisterImage MeterImage()
    {
        var image = new RegisterImage();
        SetFloat(image, 0, 231.5f); // 30001 phase 1 volts
        SetFloat(image, 52, 1500.25f); // 30053 total system power
        SetFloat(image, 72, 12345.5f); // 30073 total import kWh
        return image;
    }

    private static void SetFloat(RegisterImage image, int address, float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        image.SetRegisters(address, (ushort)(bits >> 16), (ushort)bits);
    }
}
