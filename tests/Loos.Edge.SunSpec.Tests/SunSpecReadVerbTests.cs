using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Loos.Edge.Testing;
using Loos.Edge.Verbs;
using Xunit.Abstractions;

namespace Loos.Edge.SunSpec.Tests;

/// <summary><c>loos-edge sunspec read</c> against pymodbus serving the corpus dumps, over TCP and over RTU on a socat pair.</summary>
public sealed class SunSpecReadVerbTests(ITestOutputHelper output)
{
    [CorpusFact(Corpus.DevicesFolder)]
    public async Task SunSpecRead_PymodbusOverTcp_DecodesEveryExpectedPoint()
    {
        var failures = new List<string>();
        foreach (var path in Corpus.DeviceDumps)
        {
            await using var device = await PymodbusDevice.StartTcpAsync(new Dictionary<byte, RegisterImage> { [1] = RegisterImage.LoadSunSpecDump(path) });

            var (exitCode, stdout, stderr) = await RunAsync("sunspec", "read", "--tcp", $"{device.Host}:{device.Port}", "--unit", "1", "--json");

            failures.AddRange(Compare(path, exitCode, stdout, $"{stderr}\n{device.LogTail}", "tcp"));
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [CorpusFact(Corpus.DevicesFolder)]
    public async Task SunSpecRead_PymodbusOverRtuPseudoTerminal_DecodesEveryExpectedPoint()
    {
        var failures = new List<string>();
        foreach (var path in Corpus.DeviceDumps)
        {
            await using var pair = await SerialPortPair.StartAsync();
            await using var device = await PymodbusDevice.StartRtuAsync(pair.DevicePath, new Dictionary<byte, RegisterImage> { [3] = RegisterImage.LoadSunSpecDump(path) });

            // Pseudo-terminals refuse parity, hence N with 2 stop bits (the 11-bit character of §2.5.1).
            var (exitCode, stdout, stderr) = await RunAsync("sunspec", "read", "--rtu", pair.GatewayPath, "--baud", "9600", "--parity", "N", "--stop", "2", "--unit", "3", "--json");

            failures.AddRange(Compare(path, exitCode, stdout, $"{stderr}\n{device.LogTail}", "rtu"));
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [CorpusFact(Corpus.DevicesFolder)]
    public async Task SunSpecRead_Table_ShowsModelsWithScaledValuesAndUnits()
    {
        var path = Path.Combine(Corpus.Devices, "sma_sb3.6-1av-41_fw4.01.15.json");
        await using var device = await PymodbusDevice.StartTcpAsync(new Dictionary<byte, RegisterImage> { [1] = RegisterImage.LoadSunSpecDump(path) });

        var (exitCode, stdout, _) = await RunAsync("sunspec", "read", "--tcp", $"{device.Host}:{device.Port}");

        Assert.Equal(0, exitCode);
        Assert.Contains("model 101 inverter_single_phase at 40185, 50 registers", stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n  W\s+3680 W\r?\n", stdout);
        Assert.Matches(@"\n  St\s+MPPT\r?\n", stdout);
        Assert.Matches(@"\n  module\[1\]\.DCV\s+242 V\r?\n", stdout);
        Assert.Matches(@"\n  AphB\s+not implemented\r?\n", stdout);
    }

    [Fact]
    public async Task SunSpecRead_UnitNeverAnswers_ExitsOneWithCause()
    {
        var image = new RegisterImage().SetRegisters(40000, 0x5375, 0x6E53, 0xFFFF, 0);
        await using var device = await PymodbusDevice.StartTcpAsync(new Dictionary<byte, RegisterImage> { [1] = image }, new PymodbusFaults { SilentUnits = [1] });

        var (exitCode, stdout, stderr) = await RunAsync("sunspec", "read", "--tcp", $"{device.Host}:{device.Port}", "--timeout-ms", "300", "--json");

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("loos-edge sunspec read: unit 1 at", stderr, StringComparison.Ordinal);
        Assert.Contains("is not answering", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task SunSpecRead_NoMarkerAnywhere_ExitsOneNamingTheAddresses()
    {
        var image = new RegisterImage().SetRegisters(0, 1, 2).SetRegisters(40000, 0x1234, 0x5678);
        await using var device = await PymodbusDevice.StartTcpAsync(new Dictionary<byte, RegisterImage> { [1] = image });

        var (exitCode, _, stderr) = await RunAsync("sunspec", "read", "--tcp", $"{device.Host}:{device.Port}");

        Assert.Equal(1, exitCode);
        Assert.Contains("no SunSpec marker found at 40000/0/50000", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sunspec read --unit 1")]
    [InlineData("sunspec read --tcp 127.0.0.1:502 --rtu /dev/ttyUSB0")]
    [InlineData("sunspec read --tcp 127.0.0.1:99999")]
    [InlineData("sunspec read --tcp 127.0.0.1:502 --unit 300")]
    [InlineData("sunspec read --rtu /dev/ttyUSB0 --parity X")]
    [InlineData("sunspec read --rtu /dev/ttyUSB0 --stop 3")]
    [InlineData("sunspec read --tcp 127.0.0.1:502 --baud 9600")]
    [InlineData("sunspec read --tcp 127.0.0.1:502 --frobnicate")]
    public async Task SunSpecRead_BadArguments_ExitsTwoWithoutTouchingTheNetwork(string commandLine)
    {
        var (exitCode, stdout, stderr) = await RunAsync(commandLine.Split(' '));

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("loos-edge sunspec read: ", stderr, StringComparison.Ordinal);
    }

    private IEnumerable<string> Compare(string path, int exitCode, string stdout, string stderr, string transport)
    {
        // The verb exits 0 only when it read the chain to its end model, and prints no values for a partial read.
        var chainEnded = exitCode == 0;
        var endModelPresent = Corpus.EndModelPresent(path);
        Assert.True(chainEnded == endModelPresent && exitCode is 0 or 1, $"{transport} {Path.GetFileName(path)}: exit {exitCode}, the dump has the end model: {endModelPresent}: {stderr}");
        if (!chainEnded)
        {
            return [];
        }

        var (_, _, expected) = Corpus.LoadDump(path);
        using var json = JsonDocument.Parse(stdout);
        var comparison = ExpectedValues.Compare(expected, json.RootElement, chainEnded);
        output.WriteLine(comparison.Summary($"{transport} {Path.GetFileName(path)}"));
        return comparison.Mismatches.Select(line => $"{transport} {Path.GetFileName(path)}: {line}");
    }

    [Theory]
    [InlineData("loos-edge sunspec read: --tcp '127.0.0.1:99999' is not HOST:PORT", "--tcp", "127.0.0.1:99999")]
    [InlineData("loos-edge sunspec read: --unit 300 is not a unit id from 0 to 247", "--tcp", "127.0.0.1:502", "--unit", "300")]
    [InlineData("loos-edge sunspec read: --stop 3 is not 1 or 2", "--rtu", "/dev/ttyUSB0", "--stop", "3")]
    [InlineData("loos-edge sunspec read: --timeout-ms 0 is not a number of milliseconds from 1 to 600000", "--tcp", "127.0.0.1:502", "--timeout-ms", "0")]
    public async Task Read_BadTypedValue_ExitCode2NamingTheOption(string message, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(["sunspec", "read", .. arguments]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Equal([message, "See: loos-edge sunspec read --help"], error.TrimEnd().Split(Environment.NewLine));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await LoosEdgeCommand.InvokeAsync(arguments, new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
