namespace Loos.Edge.Integration.Tests;

/// <summary>
/// An invalid value in each section of the site file is told with its line and key by <c>loos-edge config
/// validate</c>, and stops <c>loos-edge run</c> before it starts, with exit code 2.
/// </summary>
public sealed class SectionValidationTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("loos-edge-sections-").FullName;

    /// <summary>Each section with one invalid value, the line it is on (the buffer's two lines come first) and its key.</summary>
    public static TheoryData<string, string, int, string> InvalidSections => new()
    {
        { "buffer", "buffer:\n  directory: buffer\n  capBytes: 10\n", 3, "buffer:capBytes" },
        { "clock", "clock:\n  trust: sometimes\n", 4, "clock:trust" },
        { "forwarder", "forwarder:\n  targets:\n    - name: central\n      api: v3\n      url: http://127.0.0.1:8086\n      database: edge\n", 6, "forwarder:targets:0:api" },
        { "listener", "listener:\n  maxBodyBytes: 0\n", 4, "listener:maxBodyBytes" },
        { "health", "health:\n  address: everywhere\n", 4, "health:address" },
        { "self-metrics", "health:\n  metricsInterval: 00:00:00.500\n", 4, "health:metricsInterval" },
        { "simulation", "simulation:\n  enabled: true\n  interval: -00:00:10\n", 5, "simulation:interval" },
        { "modbus", "modbus:\n  buses:\n    - name: basement\n      kind: serial-ish\n", 6, "modbus:buses:0:kind" },
        { "mbus", "mbus:\n  meterTimeZone: Mars/Olympus\n", 4, "mbus:meterTimeZone" },
        { "mqtt", "mqtt:\n  host: 127.0.0.1\n  port: 70000\n", 5, "mqtt:port" },
        { "gpio", "gpio:\n  driver: wiringpi\n", 4, "gpio:driver" },
        { "sensors", "gpio:\n  sensors:\n    - name: cellar\n      type: ds99\n", 6, "gpio:sensors:0:type" },
        { "rollups", "rollups:\n  horizon: 01:00:00\n", 4, "rollups:horizon" },
        { "heating", "heating:\n  yearStart: 13-45\n", 4, "heating:yearStart" },
        { "lighting", "lighting:\n  programmes:\n    - name: semaine\n      steps:\n        - at: \"25:00\"\n          level: 100\n", 7, "lighting:programmes:0:steps:0:at" },
        { "web", "web:\n  influx:\n    url: http://127.0.0.1:8086\n    database: town\n    timeout: -00:00:10\n", 7, "web:influx:timeout" },
    };

    [Theory]
    [MemberData(nameof(InvalidSections))]
    public async Task ConfigValidateAndRun_InvalidValue_NameLineAndKeyAndExit2(string section, string yaml, int line, string key)
    {
        var path = Path.Combine(folder, $"{section}.yaml");
        var text = section == "buffer" ? yaml : $"buffer:\n  directory: buffer\n{yaml}";
        await File.WriteAllTextAsync(path, text);

        var validate = await GatewayProcess.RunCliAsync("config", "validate", "--config", path);
        var run = await GatewayProcess.RunCliAsync("run", "--config", path);

        Assert.Equal(2, validate.ExitCode);
        Assert.Contains($"{path}:{line}: {key}", validate.Error, StringComparison.Ordinal);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{path}:{line}: {key}", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, "buffer")), "run must stop before it opens the buffer");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
