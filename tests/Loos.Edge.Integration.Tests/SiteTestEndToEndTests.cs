using System.Text.Json;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// <c>loos-edge site test</c> run as a process: a Modbus meter on pymodbus and a unit that stays silent, heat meters
/// of the libmbus corpus behind the M-Bus slave simulator on a socat line and one that stays silent, an MQTT
/// subscription on Mosquitto, and a pulse counter whose count the running gateway keeps. Each device is read once and
/// shows its values; the silent ones show why; nothing reaches the buffer.
/// </summary>
public sealed class SiteTestEndToEndTests
{
    [CorpusFact("mbus/libmbus")]
    public async Task SiteTest_ReadsEachDeviceOnce_AndShowsWhyTheSilentOnesCouldNotBeRead()
    {
        var frames = Path.Combine(RepositoryPaths.CorpusFolder("mbus/libmbus")!, "test-frames");
        var kamstrup = new SimulatedMBusMeter(5, [ReadHex(Path.Combine(frames, "kamstrup_multical_601.hex"))]);
        var unpowered = new SimulatedMBusMeter(9, [ReadHex(Path.Combine(frames, "Elster-F2.hex"))]) { Silent = true };
        await using var line = await SerialPortPair.StartAsync();
        await using var slave = MBusSlaveSimulator.Start(line.DevicePath, kamstrup, unpowered);
        await using var modbus = await PymodbusDevice.StartTcpAsync(
            new Dictionary<byte, RegisterImage> { [1] = MeterImage(), [2] = MeterImage() },
            new PymodbusFaults { SilentUnits = [2] });
        var site = new SiteFileBuilder
        {
            Extra = $"""
                modbus:
                  profileDirectory: {Path.Combine(RepositoryPaths.Root, "firmware-config", "profiles")}
                  buses:
                    - name: school
                      kind: tcp
                      host: {modbus.Host}
                      port: {modbus.Port}
                      responseTimeout: 00:00:00.500
                      devices:
                        - name: main-meter
                          unitId: 1
                          profile: eastron-sdm630
                        - name: kitchen-meter
                          unitId: 2
                          profile: eastron-sdm630
                mbus:
                  lines:
                    - name: cellar
                      device: {line.GatewayPath}
                      parity: N
                      meters:
                        - name: home-12
                          home: "12"
                          address: 5
                        - name: home-16
                          home: "16"
                          address: 9
                """,
        };
        var siteFile = site.Write();

        var (exitCode, output, error) = await GatewayProcess.RunCliAsync("site", "test", "--config", siteFile, "--json");

        using var report = JsonDocument.Parse(output);
        var rows = report.RootElement.EnumerateArray().ToList();
        JsonElement Row(string device, string point) =>
            rows.FirstOrDefault(r => r.GetProperty("device").GetString() == device && r.GetProperty("point").GetString() == point) is { ValueKind: JsonValueKind.Object } row
                ? row
                : throw new Xunit.Sdk.XunitException($"no row {device}/{point} in:\n{output}\n{error}");

        // The meter image's registers (SDM630 input registers 30053 and 30073) and the Kamstrup Multical 601 frame's records.
        Assert.Equal(1500.25, Row("main-meter", "power_w").GetProperty("value").GetDouble(), 3);
        Assert.Equal("W", Row("main-meter", "power_w").GetProperty("unit").GetString());
        Assert.Equal("good", Row("main-meter", "power_w").GetProperty("quality").GetString());
        Assert.Equal(12345.5, Row("main-meter", "energy_import_kwh").GetProperty("value").GetDouble(), 3);
        Assert.Equal(37351000, Row("home-12", "energy").GetProperty("value").GetDouble());
        Assert.Equal(101.69, Row("home-12", "supply_temperature").GetProperty("value").GetDouble(), 2);

        var silentModbus = rows.Where(r => r.GetProperty("device").GetString() == "kitchen-meter").ToList();
        Assert.NotEmpty(silentModbus);
        Assert.All(silentModbus, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("value").ValueKind));
        Assert.All(silentModbus, r => Assert.Contains("Timeout", r.GetProperty("problem").GetString(), StringComparison.Ordinal));
        var silentMeter = Assert.Single(rows, r => r.GetProperty("device").GetString() == "home-16");
        Assert.Equal(JsonValueKind.Null, silentMeter.GetProperty("value").ValueKind);
        Assert.Contains("no meter answers at primary address 9", silentMeter.GetProperty("problem").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, exitCode);
        Assert.False(Directory.Exists(site.BufferDirectory), "the site test opened the buffer");

        var (_, text, _) = await GatewayProcess.RunCliAsync("site", "test", "--config", siteFile);
        var lines = text.Split('\n');
        Assert.Matches(@"^device\s+point\s+value\s+unit\s+quality\s+time\s+problem", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("main-meter", StringComparison.Ordinal) && l.Contains(" power_w ", StringComparison.Ordinal) && l.Contains("1500.25", StringComparison.Ordinal) && l.Contains(" good ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("home-16", StringComparison.Ordinal) && l.Contains("no meter answers at primary address 9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SiteTest_BesideTheRunningGateway_ShowsThePulseCountItKeepsAndAnMqttMessage()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        var site = new SiteFileBuilder
        {
            Extra = $"""
                gpio:
                  driver: simulated
                  simulatedEdges: gpio-edges
                  pulseCounters:
                    - name: general
                      pin: 17
                      pulsesPerUnit: 1000
                      initialValue: 500
                      interval: 00:00:01
                      persistInterval: 00:00:01
                mqtt:
                  host: 127.0.0.1
                  port: {broker.Port}
                  subscriptions:
                    - topic: "sensors/{"{device}"}/temperature"
                      payload: number
                      measurement: environment
                      field: temperature
                      unit: °C
                """,
        };
        var pipe = Path.Combine(site.Directory, "gpio-edges");
        MakeFifo(pipe);
        await using var gateway = await GatewayProcess.StartAsync(site);
        await using (var edges = new StreamWriter(pipe) { AutoFlush = true })
        {
            await edges.WriteLineAsync("17 pulse 250 every 20");
        }

        // The gateway counts the pulses and saves the count every second; the site test reads what it saved.
        var siteFile = site.Write();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await CountAsync(siteFile) is not 750.0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the count never reached 750 Wh:\n{gateway.Tail()}");
            await Task.Delay(500);
        }

        // Retained, so that it reaches the site test's subscription whenever that starts.
        await broker.PublishAsync("sensors/attic/temperature", "21.5", retain: true);
        var (_, output, error) = await GatewayProcess.RunCliAsync("site", "test", "--config", siteFile, "--json", "--listen", "3");

        using var report = JsonDocument.Parse(output);
        var rows = report.RootElement.EnumerateArray().ToList();
        var count = Assert.Single(rows, r => r.GetProperty("device").GetString() == "general");
        Assert.True(count.GetProperty("value").ValueKind == JsonValueKind.Number, output + error);
        Assert.Equal(750, count.GetProperty("value").GetDouble(), 6); // 500 Wh + 250 pulses at 1000 imp/kWh.
        Assert.Equal("Wh", count.GetProperty("unit").GetString());
        var temperature = Assert.Single(rows, r => r.GetProperty("device").GetString() == "sensors/attic/temperature");
        Assert.Equal(21.5, temperature.GetProperty("value").GetDouble());
        Assert.Equal("°C", temperature.GetProperty("unit").GetString());
        Assert.Equal(JsonValueKind.Object, (await gateway.HealthAsync()).ValueKind);
    }

    private static async Task<double?> CountAsync(string siteFile)
    {
        var (_, output, _) = await GatewayProcess.RunCliAsync("site", "test", "--config", siteFile, "--json", "--listen", "1");
        using var report = JsonDocument.Parse(output);
        return report.RootElement.EnumerateArray().FirstOrDefault(r => r.GetProperty("device").GetString() == "general") is { ValueKind: JsonValueKind.Object } row
            && row.GetProperty("value").ValueKind == JsonValueKind.Number
                ? row.GetProperty("value").GetDouble()
                : null;
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private static RegisterImage MeterImage()
    {
        var image = new RegisterImage();
        SetFloat(image, 52, 1500.25f); // 30053 total system power
        SetFloat(image, 72, 12345.5f); // 30073 total import kWh
        return image;
    }

    private static void SetFloat(RegisterImage image, int address, float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        image.SetRegisters(address, (ushort)(bits >> 16), (ushort)bits);
    }

    private static byte[] ReadHex(string path) => Convert.FromHexString(string.Concat(File.ReadAllText(path).Where(char.IsAsciiHexDigit)));
}
