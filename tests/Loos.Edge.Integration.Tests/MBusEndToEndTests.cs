using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// Heat meters on a wired M-Bus line polled by the gateway process: simulated meters answering with libmbus corpus
/// frames behind a socat pseudo-terminal (parity N: a pseudo-terminal refuses parity), readings in a real influxd.
/// </summary>
public sealed class MBusEndToEndTests
{
    private const string Database = "loos_edge";

    [CorpusFact("mbus/libmbus")]
    public async Task Gateway_HeatMetersByPrimaryAndSecondaryAddress_ReadingsArriveInInfluxd_SilentMeterShownOffline()
    {
        var frames = Path.Combine(RepositoryPaths.CorpusFolder("mbus/libmbus")!, "test-frames");
        var kamstrup = new SimulatedMBusMeter(5, [ReadHex(Path.Combine(frames, "kamstrup_multical_601.hex"))]);
        var elster = new SimulatedMBusMeter(0, [ReadHex(Path.Combine(frames, "Elster-F2.hex"))], identification: "12345679");
        var unpowered = new SimulatedMBusMeter(9, [ReadHex(Path.Combine(frames, "Elster-F2.hex"))]) { Silent = true };
        await using var line = await SerialPortPair.StartAsync();
        await using var slave = MBusSlaveSimulator.Start(line.DevicePath, kamstrup, elster, unpowered);
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder
        {
            Extra = $"""
                mbus:
                  lines:
                    - name: cellar
                      device: {line.GatewayPath}
                      parity: N
                      offlineAfterTimeouts: 2
                      meters:
                        - name: home-12
                          home: "12"
                          address: 5
                          interval: 00:00:02
                          tags:
                            building: residence-les-tilleuls
                        - name: home-14
                          home: "14"
                          secondary: "12345679"
                          interval: 00:00:02
                        - name: home-16
                          home: "16"
                          address: 9
                          interval: 00:00:02
                """,
        }.WithInfluxV1("influxd", influxd.Url, Database);
        await using var gateway = await GatewayProcess.StartAsync(site);

        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"energy\") FROM \"heat_meter\" WHERE \"home\" = '12' AND \"device\" = 'home-12' AND \"building\" = 'residence-les-tilleuls' AND \"unit\" = 'Wh'", 37351000);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"supply_temperature\") FROM \"heat_meter\" WHERE \"home\" = '12' AND \"unit\" = '°C'", 101.69);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"volume\") FROM \"heat_meter\" WHERE \"home\" = '12' AND \"unit\" = 'm³'", 561.08);
        await gateway.WaitForInfluxValueAsync(influxd, Database, "SELECT last(\"energy\") FROM \"heat_meter\" WHERE \"home\" = '14' AND \"unit\" = 'Wh'", 5272000);

        var health = await gateway.WaitForHealthAsync(
            h => h.GetProperty("devices").EnumerateArray().Any(d => d.GetProperty("device").GetString() == "home-16" && d.GetProperty("state").GetString() != "online"),
            TimeSpan.FromSeconds(60),
            "the silent meter home-16 backed off");
        var devices = health.GetProperty("devices").EnumerateArray().ToList();
        Assert.Contains(devices, d => d.GetProperty("device").GetString() == "home-12" && d.GetProperty("state").GetString() == "online");
        Assert.Contains(devices, d => d.GetProperty("device").GetString() == "home-14" && d.GetProperty("state").GetString() == "online");
        await gateway.WaitForLogAsync("M-Bus line cellar: meter home-16 (primary address 9) stopped answering", TimeSpan.FromSeconds(10));
    }

    private static byte[] ReadHex(string path) => Convert.FromHexString(string.Concat(File.ReadAllText(path).Where(char.IsAsciiHexDigit)));
}
