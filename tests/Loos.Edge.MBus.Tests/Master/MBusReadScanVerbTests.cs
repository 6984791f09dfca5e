using System.CommandLine;
using System.Text.Json;
using Loos.Edge.Testing;
using Loos.Edge.Verbs;

namespace Loos.Edge.MBus.Tests.Master;

/// <summary><c>loos-edge mbus read</c> and <c>mbus scan</c> against simulated meters on a socat line (parity N: a pseudo-terminal refuses parity).</summary>
public sealed class MBusReadScanVerbTests : IAsyncLifetime
{
    private const string Corpus = "mbus/libmbus";
    private SerialPortPair pair = null!;

    public async Task InitializeAsync() => pair = await SerialPortPair.StartAsync();

    public async Task DisposeAsync() => await pair.DisposeAsync();

    [CorpusFact(Corpus)]
    public async Task Read_by_primary_address_prints_the_telegram_as_json()
    {
        var meter = new SimulatedMBusMeter(5, [Frame("kamstrup_multical_601")], identification: "06855817");
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, meter);

        var (exitCode, output, error) = await RunAsync("mbus", "read", "--port", pair.GatewayPath, "--parity", "N", "--address", "5", "--json");

        Assert.True(exitCode == ExitCodes.Success, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal("KAM", root.GetProperty("manufacturer").GetString());
        Assert.Equal("06855817", root.GetProperty("identification").GetString());
        Assert.Equal(1, root.GetProperty("telegrams").GetInt32());
        var energy = root.GetProperty("records").EnumerateArray().First(r => r.GetProperty("quantity").GetString() == "energy");
        Assert.Equal("Wh", energy.GetProperty("unit").GetString());
        Assert.Equal(MBusDecoder.Decode(meter.Telegrams[0]).Records.First(r => r.Quantity == "energy").Value, energy.GetProperty("value").GetDouble());
    }

    [CorpusFact(Corpus)]
    public async Task Read_by_secondary_address_prints_the_header_and_records()
    {
        var meters = new[]
        {
            new SimulatedMBusMeter(0, [Frame("kamstrup_multical_601")], identification: "12345678"),
            new SimulatedMBusMeter(0, [Frame("landis+gyr_ultraheat_t230")], identification: "12345679"),
        };
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, meters);

        var (exitCode, output, error) = await RunAsync("mbus", "read", "-p", pair.GatewayPath, "--parity", "N", "--secondary", "12345679");

        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.Contains("identification 12345679", output, StringComparison.Ordinal);
        Assert.Contains($"{MBusDecoder.Decode(meters[1].Telegrams[0]).Records.Count} records", output, StringComparison.Ordinal);
    }

    [CorpusFact(Corpus)]
    public async Task Read_of_a_silent_meter_exits_1_naming_the_address_and_port()
    {
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, new SimulatedMBusMeter(9, [Frame("kamstrup_multical_601")]) { Silent = true });

        var (exitCode, output, error) = await RunAsync("mbus", "read", "--port", pair.GatewayPath, "--parity", "N", "--address", "9", "--retries", "1");

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Empty(output);
        Assert.Contains($"no meter answers at primary address 9 on {pair.GatewayPath} (2 attempts", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--address,5,--secondary,12345678", "exactly one of --address N or --secondary ID")]
    [InlineData("--address,251", "--address 251 is not a primary address")]
    [InlineData("--secondary,1234567F", "wildcard digits; use mbus scan --secondary")]
    [InlineData("--secondary,123", "'123' is not 8 identification digits")]
    [InlineData("--address,1,--baud,1000", "--baud: 1000 is not an M-Bus rate")]
    [InlineData("--address,1,--parity,X", "--parity: 'X' is not N, E or O")]
    public async Task Read_with_bad_arguments_exits_2_saying_what(string arguments, string message)
    {
        var (exitCode, _, error) = await RunAsync(["mbus", "read", "--port", "/dev/null", .. arguments.Split(',')]);

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [CorpusFact(Corpus)]
    public async Task Read_on_a_port_that_does_not_exist_exits_1()
    {
        var (exitCode, _, error) = await RunAsync("mbus", "read", "--port", "/dev/ttyNOPE9", "--address", "1");

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Contains("could not open /dev/ttyNOPE9", error, StringComparison.Ordinal);
    }

    [CorpusFact(Corpus)]
    public async Task Secondary_scan_lists_every_meter_with_a_progress_bar()
    {
        var meters = new[]
        {
            new SimulatedMBusMeter(0, [Frame("kamstrup_multical_601")], identification: "12345678"),
            new SimulatedMBusMeter(0, [Frame("landis+gyr_ultraheat_t230")], identification: "12345679"),
            new SimulatedMBusMeter(0, [Frame("itron_cf_55")], identification: "70000002"),
        };
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, meters);

        var (exitCode, output, error) = await RunAsync("mbus", "scan", "--port", pair.GatewayPath, "--parity", "N", "--baud", "38400", "--timeout-ms", "120", "--secondary", "--progress", "--json");

        Assert.True(exitCode == ExitCodes.Success, error);
        using var document = JsonDocument.Parse(output);
        Assert.Equal("secondary", document.RootElement.GetProperty("scan").GetString());
        var ids = document.RootElement.GetProperty("meters").EnumerateArray().Select(m => m.GetProperty("identification").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["12345678", "12345679", "70000002"], ids);
        Assert.Contains("] 100% done, 3 found", error, StringComparison.Ordinal);
        Assert.Contains("1234567F", error, StringComparison.Ordinal);
    }

    [CorpusFact(Corpus)]
    public async Task Primary_scan_table_points_to_the_secondary_scan_when_meters_share_an_address()
    {
        var meters = new[]
        {
            new SimulatedMBusMeter(3, [Frame("kamstrup_multical_601")], identification: "12345678"),
            new SimulatedMBusMeter(0, [Frame("landis+gyr_ultraheat_t230")], identification: "12345679"),
            new SimulatedMBusMeter(0, [Frame("itron_cf_55")], identification: "70000002"),
        };
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, meters);

        var (exitCode, output, error) = await RunAsync("mbus", "scan", "--port", pair.GatewayPath, "--parity", "N", "--baud", "38400", "--timeout-ms", "120", "--retries", "0");

        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.Contains("primary   3  id 12345678  KAM", output, StringComparison.Ordinal);
        Assert.Contains("primary   0  id -", output, StringComparison.Ordinal);
        Assert.Contains("2 meter(s) found by primary scan", output, StringComparison.Ordinal);
        Assert.Contains("run mbus scan --secondary", output, StringComparison.Ordinal);
        Assert.Empty(error); // No progress bar when standard error is not a terminal.
    }

    [Theory]
    [InlineData("loos-edge mbus read: --baud abc is not a number from 300 to 1000000", "read", "--address", "1", "--baud", "abc")]
    [InlineData("loos-edge mbus read: --address 251 is not a primary address (0-250, or 254 for the only meter on the line)", "read", "--address", "251")]
    [InlineData("loos-edge mbus scan: --parity: 'X' is not N, E or O", "scan", "--parity", "X")]
    [InlineData("loos-edge mbus scan: --timeout-ms 0 is not a number of milliseconds from 1 to 600000", "scan", "--timeout-ms", "0")]
    public async Task Invoke_BadTypedValue_ExitCode2NamingTheOptionWithoutOpeningThePort(string message, string verb, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(["mbus", verb, "--port", "/dev/ttyNOPE9", .. arguments]);

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Empty(output);
        Assert.Equal([message, $"See: loos-edge mbus {verb} --help"], error.TrimEnd().Split(Environment.NewLine));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LoosEdgeCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static byte[] Frame(string name) => LibmbusCorpus.ReadFrame(Path.Combine(LibmbusCorpus.Path("test-frames"), name + ".hex"));
}
