using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Loos.Edge.Testing;
using Xunit.Abstractions;

namespace Loos.Edge.Install.Tests;

/// <summary>The shipped unit as systemd itself judges it: <c>systemd-analyze security --offline=true</c>.</summary>
public sealed partial class UnitHardeningTests(ITestOutputHelper output)
{
    private const double MostExposure = 2.5;
    private static readonly string UnitFile = Path.Combine(RepositoryPaths.Root, "firmware-config", "systemd", "loos-edge.service");

    [Fact]
    public async Task SecurityAnalysis_OfTheShippedUnit_IsAtMostTwoAndAHalf()
    {
        var result = await Analyze();

        var match = OverallExposure().Match(result.Output);
        Assert.True(match.Success, $"No overall exposure in systemd-analyze's answer:\n{result.Output}");
        var exposure = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        output.WriteLine(match.Value);
        Assert.True(exposure <= MostExposure, $"Exposure {exposure} is above {MostExposure}:\n{result.Output}");
    }

    [Fact]
    public async Task SecurityAnalysis_DeniesWriteExecuteMemoryAndLeavesTheDevicesTheGatewayNeeds()
    {
        var result = await Analyze("--json=short");

        var settings = JsonDocument.Parse(result.Output).RootElement.EnumerateArray()
            .ToDictionary(setting => setting.GetProperty("name").GetString()!, setting => setting);
        // Compiled ahead of time, the gateway writes no code: the install tests run it so (systemctl-supervisor.sh).
        Assert.True(settings["MemoryDenyWriteExecute="].GetProperty("set").GetBoolean());
        // PrivateDevices would hide the GPIO chip, the I²C bus and the serial lines; the device list names them instead.
        Assert.False(settings["PrivateDevices="].GetProperty("set").GetBoolean());
        var devices = settings["DeviceAllow="].GetProperty("description").GetString()!;
        foreach (var device in new[] { "char-gpiochip:rw", "char-i2c:rw", "char-ttyS:rw", "char-ttyAMA:rw", "char-ttyUSB:rw", "char-ttyACM:rw" })
        {
            Assert.Contains(device, devices, StringComparison.Ordinal);
        }

        Assert.True(settings["SystemCallArchitectures="].GetProperty("set").GetBoolean());
        Assert.True(settings["ProtectClock="].GetProperty("set").GetBoolean());
        Assert.True(settings["CapabilityBoundingSet=~CAP_SYS_ADMIN"].GetProperty("set").GetBoolean());
    }

    [Fact]
    public async Task Verify_FindsNoUnknownOrInvalidSetting()
    {
        var result = await Shell.RunAsync("systemd-analyze", ["verify", UnitFile], TimeSpan.FromMinutes(1));

        // The program is installed only on the gateway; any other line is a setting systemd would ignore or refuse.
        var complaints = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.Contains("/opt/loos-edge/current/loos-edge is not executable", StringComparison.Ordinal))
            .ToList();
        Assert.True(complaints.Count == 0, string.Join('\n', complaints));
    }

    [Fact]
    public async Task Unit_AsSystemdReadsIt_RestartsOnFailureButNotAnInvalidSiteFile_AndWatchesTheGateway()
    {
        // The unit's lines as systemd reads them: key=value, comments skipped, the last assignment of a key wins.
        var settings = File.ReadAllLines(UnitFile)
            .Where(line => line.Contains('=', StringComparison.Ordinal) && !line.TrimStart().StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .GroupBy(parts => parts[0].Trim(), parts => parts[1].Trim())
            .ToDictionary(group => group.Key, group => group.Last());

        Assert.Equal("2", settings["RestartPreventExitStatus"]);
        Assert.Equal("on-failure", settings["Restart"]);
        Assert.Equal("30", settings["WatchdogSec"]);
        Assert.Equal("/bin/kill -HUP $MAINPID", settings["ExecReload"]);
        Assert.Equal("notify", settings["Type"]);
        // A Pi without network (so without NTP) must still start at boot.
        Assert.DoesNotContain("time-sync.target", settings.GetValueOrDefault("After", string.Empty), StringComparison.Ordinal);
        Assert.StartsWith("/opt/loos-edge/current/loos-edge run ", settings["ExecStart"], StringComparison.Ordinal);
    }

    private static async Task<CommandResult> Analyze(params string[] options)
    {
        var result = await Shell.RunAsync("systemd-analyze", ["security", "--offline=true", .. options, UnitFile], TimeSpan.FromMinutes(1));
        // systemd-analyze exits non-zero when a threshold it was given is passed; none is given here.
        Assert.True(result.ExitCode == 0, result.Output);
        return result;
    }

    [GeneratedRegex(@"Overall exposure level for loos-edge\.service: ([0-9]+\.[0-9]+)")]
    private static partial Regex OverallExposure();
}
