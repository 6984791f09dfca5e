using System.Diagnostics;
using System.Text.Json;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// <c>loos-edge doctor</c> run as a process against real servers and lines: influxd 1.6 (writable, a wrong password, a
/// read-only user, down), Mosquitto with TLS (right CA, wrong CA, wrong password), socat serial lines (present, absent,
/// not permitted to a non-root user) and a full data directory (a tmpfs).
/// </summary>
public sealed class DoctorEndToEndTests
{
    private const string Database = "loos_edge";

    [Fact]
    public async Task Doctor_WritableInfluxd_PassesWithoutWritingAReading()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder().WithInfluxV1("central", influxd.Url, Database);

        var (exitCode, checks, text) = await DoctorAsync(site.Write());

        var target = Check(checks, "influxdb target central");
        Assert.True(target.Verdict == "pass", text);
        Assert.Contains($"may write to database {Database}", target.Detail, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
        Assert.Empty(await influxd.QueryAsync(Database, "SHOW MEASUREMENTS"));
    }

    [Fact]
    public async Task Doctor_WrongPassword_FailsOnTheCredentials()
    {
        await using var influxd = await InfluxdServer.StartNewAsync(new InfluxdOptions { AuthEnabled = true });
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder().WithInfluxV1("central", influxd.Url, Database, influxd.Options.AdminUser, "not-the-password");

        var (exitCode, checks, text) = await DoctorAsync(site.Write());

        var target = Check(checks, "influxdb target central");
        Assert.True(target.Verdict == "fail", text);
        Assert.Contains("refuses the credentials", target.Detail, StringComparison.Ordinal);
        Assert.Contains("central.password", target.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", text, StringComparison.Ordinal);
        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task Doctor_ReadOnlyUser_FailsWithTheGrantToGive_AndAWriterPasses()
    {
        await using var influxd = await InfluxdServer.StartNewAsync(new InfluxdOptions { AuthEnabled = true });
        await influxd.CreateDatabaseAsync(Database);
        await influxd.ExecuteAsync("CREATE USER \"reader\" WITH PASSWORD 'reader-password'");
        await influxd.ExecuteAsync($"GRANT READ ON \"{Database}\" TO \"reader\"");
        await influxd.ExecuteAsync("CREATE USER \"writer\" WITH PASSWORD 'writer-password'");
        await influxd.ExecuteAsync($"GRANT WRITE ON \"{Database}\" TO \"writer\"");
        var site = new SiteFileBuilder()
            .WithInfluxV1("reading", influxd.Url, Database, "reader", "reader-password")
            .WithInfluxV1("writing", influxd.Url, Database, "writer", "writer-password");

        var (exitCode, checks, text) = await DoctorAsync(site.Write());

        var reading = Check(checks, "influxdb target reading");
        Assert.True(reading.Verdict == "fail", text);
        Assert.Contains($"user reader may not write to database {Database}", reading.Detail, StringComparison.Ordinal);
        Assert.Contains($"GRANT WRITE ON \"{Database}\" TO \"reader\"", reading.Fix, StringComparison.Ordinal);
        Assert.Equal("pass", Check(checks, "influxdb target writing").Verdict);
        Assert.Equal(1, exitCode);
        Assert.Empty(await influxd.QueryAsync(Database, "SHOW MEASUREMENTS"));
    }

    [Fact]
    public async Task Doctor_InfluxdDown_FailsAsUnreachable()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        influxd.Stop();
        var site = new SiteFileBuilder().WithInfluxV1("central", influxd.Url, Database);

        var (exitCode, checks, text) = await DoctorAsync(site.Write());

        var target = Check(checks, "influxdb target central");
        Assert.True(target.Verdict == "fail", text);
        Assert.Contains($"cannot reach {influxd.Url.ToString().TrimEnd('/')}", target.Detail, StringComparison.Ordinal);
        Assert.Contains("Connection refused", target.Detail, StringComparison.Ordinal);
        Assert.Equal(1, exitCode);
    }

    [Theory]
    [InlineData("right", "pass", "connected over TLS")]
    [InlineData("wrong-ca", "fail", "TLS: ")]
    [InlineData("wrong-password", "fail", "refuses the credentials")]
    public async Task Doctor_MosquittoWithTls_TellsTheCaAndTheCredentialsApart(string setup, string verdict, string detail)
    {
        await using var broker = await MosquittoBroker.StartNewAsync(new MosquittoOptions { Tls = true, UserName = "gateway", Password = "broker-password" });
        var site = new SiteFileBuilder();
        var otherCa = TestCertificates.Create(Path.Combine(site.Directory, "other-ca")).CaFile;
        File.WriteAllText(Path.Combine(site.Directory, "mqtt.credentials"), $"gateway\n{(setup == "wrong-password" ? "guessed" : "broker-password")}\n");
        site.Extra = $"""
            mqtt:
              host: localhost
              port: {broker.TlsPort}
              credentialsFile: mqtt.credentials
              tls:
                enabled: true
                caFile: {(setup == "wrong-ca" ? otherCa : broker.CaFile)}
              subscriptions:
                - topic: "meters/{"{device}"}/power"
                  payload: number
                  measurement: electricity
                  field: power
            """;

        var (exitCode, checks, text) = await DoctorAsync(site.Write());

        var check = Check(checks, "mqtt broker localhost:");
        Assert.True(check.Verdict == verdict, text);
        Assert.Contains(detail, check.Detail, StringComparison.Ordinal);
        Assert.Equal(verdict == "pass" ? 0 : 1, exitCode);
        if (setup == "wrong-ca")
        {
            Assert.Contains(otherCa, check.Fix, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Doctor_SerialLines_PresentPassesAndAbsentSaysItDoesNotExist()
    {
        await using var line = await SerialPortPair.StartAsync();
        var site = new SiteFileBuilder { Extra = MBusLines(line.GatewayPath, "/dev/ttyUSB97") };

        var (exitCode, checks, text) = await DoctorAsync(site.Write());

        var present = Check(checks, $"serial {line.GatewayPath}");
        Assert.True(present.Verdict == "pass", text);
        var absent = Check(checks, "serial /dev/ttyUSB97");
        Assert.Equal("fail", absent.Verdict);
        Assert.StartsWith("/dev/ttyUSB97 does not exist (", absent.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, exitCode);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Doctor_SerialLineOfRootAsAnotherUser_FailsWithTheDialoutCommand()
    {
        const string user = "loos-edge-doctor";
        if (await RunAsync("id", ["-u", user]) != 0)
        {
            Assert.Equal(0, await RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user]));
        }

        await using var line = await SerialPortPair.StartAsync();
        var pty = File.ResolveLinkTarget(line.GatewayPath, returnFinalTarget: true)!.FullName;
        File.SetUnixFileMode(pty, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var site = new SiteFileBuilder { Extra = MBusLines(line.GatewayPath) };
        var siteFile = site.Write();
        // The other user must reach the site file and the link, not the device node itself.
        File.SetUnixFileMode(site.Directory, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(line.Directory, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(siteFile, (UnixFileMode)0b110_100_100);
        foreach (var file in Directory.GetFiles(site.Directory))
        {
            File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        }

        var (exitCode, checks, text) = await DoctorAsync(siteFile, asUser: user);

        var check = Check(checks, $"serial {line.GatewayPath}");
        Assert.True(check.Verdict == "fail", text);
        Assert.Contains($"permission denied on {line.GatewayPath}", check.Detail, StringComparison.Ordinal);
        Assert.StartsWith($"sudo usermod -a -G dialout {user}", check.Fix, StringComparison.Ordinal);
        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task Doctor_FullDataDirectory_FailsWithTheFreeSpace()
    {
        var site = new SiteFileBuilder();
        Directory.CreateDirectory(site.BufferDirectory);
        using var disk = ScratchFileSystem.MountTmpfs(site.BufferDirectory, 64 * 1024);
        disk.Fill();

        var (exitCode, checks, text) = await DoctorAsync(site.Write());

        var check = Check(checks, "data directory ");
        Assert.True(check.Verdict == "fail", text);
        Assert.Contains("No space left on device", check.Detail, StringComparison.Ordinal);
        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task Doctor_RoomyDataDirectory_EstimatesTheHoursTheBufferLasts()
    {
        var site = new SiteFileBuilder
        {
            CapBytes = 25L * 3600 * 100, // 100 hours of one reading a second, at the largest reading (25 bytes).
            SegmentBytes = 1024 * 1024,
            Extra = $"""
                modbus:
                  buses:
                    - name: roof
                      kind: tcp
                      host: 127.0.0.1
                      port: {FreePort.Next()}
                      devices:
                        - name: meter
                          interval: 00:00:01
                          points:
                            - name: power
                              table: input
                              address: 0
                              type: u16
                """,
        };
        Directory.CreateDirectory(site.BufferDirectory);

        var (_, checks, text) = await DoctorAsync(site.Write());

        var check = Check(checks, "data directory ");
        Assert.True(check.Verdict == "pass", text);
        Assert.Contains("at 3600 readings an hour", check.Detail, StringComparison.Ordinal);
        Assert.Contains("holds at least 100 hours", check.Detail, StringComparison.Ordinal);
        Assert.Equal("fail", Check(checks, "modbus bus roof").Verdict);
    }

    [Fact]
    public async Task Doctor_InvalidSiteFile_IsAFailedCheckWithItsProblems_AndTheClockIsStillChecked()
    {
        var site = new SiteFileBuilder { Extra = "mbus:\n  lines:\n    - name: cellar\n" };

        var (exitCode, checks, text) = await DoctorAsync(site.Write());

        var check = Check(checks, "site file ");
        Assert.True(check.Verdict == "fail", text);
        Assert.Contains("site.yaml:", check.Detail, StringComparison.Ordinal);
        Assert.Contains("mbus:lines:0:device", check.Detail, StringComparison.Ordinal);
        Assert.Contains(checks, c => c.Name == "clock");
        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task Doctor_MissingSiteFile_ExitsTwo()
    {
        var (exitCode, _, error) = await GatewayProcess.RunCliAsync("doctor", "--config", "/nonexistent/site.yaml");

        Assert.Equal(2, exitCode);
        Assert.Contains("/nonexistent/site.yaml", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_Text_HasOneLinePerCheckWithTheFixUnderIt()
    {
        var site = new SiteFileBuilder { Extra = MBusLines("/dev/ttyUSB97") };

        var (exitCode, output, _) = await GatewayProcess.RunCliAsync("doctor", "--config", site.Write());

        var lines = output.Split('\n');
        var serial = Array.FindIndex(lines, l => l.StartsWith("fail  serial /dev/ttyUSB97 (mbus line line-0): /dev/ttyUSB97 does not exist", StringComparison.Ordinal));
        Assert.True(serial >= 0, output);
        Assert.StartsWith("      fix: ", lines[serial + 1], StringComparison.Ordinal);
        Assert.Matches(@"\d+ passed, \d+ warning\(s\), \d+ failed", output);
        Assert.Equal(1, exitCode);
    }

    internal sealed record CheckLine(string Name, string Verdict, string Detail, string Fix);

    private static CheckLine Check(IReadOnlyList<CheckLine> checks, string namePrefix) =>
        checks.FirstOrDefault(c => c.Name.StartsWith(namePrefix, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no check named {namePrefix}…; checks: {string.Join("; ", checks.Select(c => $"{c.Name}: {c.Verdict} {c.Detail}"))}");

    private static string MBusLines(params string[] devices) => "mbus:\n  lines:\n" + string.Concat(devices.Select((device, i) => $"""
            - name: line-{i}
              device: {device}
              parity: N
              meters:
                - name: meter-{i}
                  address: 5
                  profile: all-records

        """));

    /// <summary>Runs <c>doctor --json</c>, as <paramref name="asUser"/> when given; returns the exit code, the checks and the raw output.</summary>
    private static async Task<(int ExitCode, IReadOnlyList<CheckLine> Checks, string Text)> DoctorAsync(string siteFile, string? asUser = null)
    {
        var (exitCode, output, error) = asUser is null
            ? await GatewayProcess.RunCliAsync("doctor", "--config", siteFile, "--json")
            : await RunAsUserAsync(asUser, "doctor", "--config", siteFile, "--json");
        using var report = JsonDocument.Parse(output);
        var checks = report.RootElement.GetProperty("checks").EnumerateArray().Select(c => new CheckLine(
            c.GetProperty("name").GetString()!,
            c.GetProperty("verdict").GetString()!,
            c.GetProperty("detail").GetString()!,
            c.GetProperty("fix").GetString() ?? string.Empty)).ToList();
        return (exitCode, checks, output + error);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsUserAsync(string user, params string[] arguments)
    {
        var info = new ProcessStartInfo("runuser") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-u", user, "--", "env", "HOME=/tmp", "DOTNET_CLI_TELEMETRY_OPTOUT=1", "dotnet", GatewayProcess.Assembly, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await error);
    }

    private static async Task<int> RunAsync(string program, string[] arguments)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return process.ExitCode;
    }
}
