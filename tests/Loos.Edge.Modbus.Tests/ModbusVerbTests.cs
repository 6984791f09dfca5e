using System.CommandLine;
using System.Text.Json;
using Loos.Edge.Testing;
using Loos.Edge.Verbs;

namespace Loos.Edge.Modbus.Tests;

/// <summary><c>loos-edge modbus read|scan</c> run in-process against pymodbus, output captured.</summary>
public sealed class ModbusVerbTests : IAsyncLifetime
{
    private PymodbusDevice device = null!;

    public async Task InitializeAsync()
    {
        var units = ModbusPeerScenarios.Units();
        units[1]
            .SetRegisters(10, 0x42F6, 0xE979) // f32 123.456, ABCD.
            .SetRegisters(20, 0xE979, 0x42F6) // The same, CDAB.
            .SetRegisters(30, 0xFFFF, 0xFFFE) // i32 -2.
            .SetRegisters(40, 0x534D, 0x4100, 0x0000); // "SMA".
        device = await PymodbusDevice.StartTcpAsync(units);
    }

    public async Task DisposeAsync() => await device.DisposeAsync();

    [Fact]
    public async Task Read_F32InBothOrders_DecodesTheSameValue()
    {
        var abcd = await RunAsync("read", "--tcp", Endpoint, "--unit", "1", "--address", "10", "--type", "f32", "--json");
        var cdab = await RunAsync("read", "--tcp", Endpoint, "--unit", "1", "--address", "20", "--type", "f32", "--order", "CDAB", "--json");

        Assert.Equal(0, abcd.ExitCode);
        Assert.Equal(123.456, Value(abcd.Output), 3);
        Assert.Equal(123.456, Value(cdab.Output), 3);
    }

    [Fact]
    public async Task Read_I32_DecodesNegative()
    {
        var result = await RunAsync("read", "--tcp", Endpoint, "--unit", "1", "--address", "30", "--type", "i32", "--json");

        Assert.Equal(-2, Value(result.Output));
    }

    [Fact]
    public async Task Read_String_DecodesText()
    {
        var result = await RunAsync("read", "--tcp", Endpoint, "--unit", "1", "--address", "40", "--type", "string", "--count", "3", "--json");

        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("SMA", json.RootElement.GetProperty("values")[0].GetString());
    }

    [Fact]
    public async Task Read_CoilsAsText_ListsEachBit()
    {
        var result = await RunAsync("read", "--tcp", Endpoint, "--unit", "1", "--address", "0", "--count", "4", "--function", "1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["0  1", "1  0", "2  1", "3  1"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim()));
    }

    [Fact]
    public async Task Read_ExceptionReply_ExitCode1WithOneLineCause()
    {
        device.SetFaults(new PymodbusFaults { Exceptions = [new PymodbusExceptionRange(500, 510, 2)] });

        var result = await RunAsync("read", "--tcp", Endpoint, "--unit", "1", "--address", "500", "--count", "2");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("exception 2 (illegal data address)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_SilentUnit_ExitCode1Timeout()
    {
        var result = await RunAsync("read", "--tcp", Endpoint, "--unit", "9", "--address", "0", "--timeout-ms", "200");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Timeout", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("read", "--unit", "1", "--address", "0")]
    [InlineData("read", "--tcp", "127.0.0.1:1", "--rtu", "/dev/null", "--unit", "1", "--address", "0")]
    [InlineData("read", "--tcp", "127.0.0.1:502", "--unit", "300", "--address", "0")]
    [InlineData("read", "--tcp", "127.0.0.1:502", "--unit", "1", "--address", "0", "--count", "126")]
    [InlineData("read", "--tcp", "127.0.0.1:502", "--unit", "1", "--address", "0", "--type", "f17")]
    [InlineData("read", "--tcp", "127.0.0.1:502", "--unit", "1", "--address", "0", "--order", "ACBD")]
    [InlineData("read", "--tcp", "127.0.0.1:502", "--unit", "1", "--address", "0", "--type", "bit")]
    [InlineData("scan", "--tcp", "127.0.0.1:502", "--units", "0-3")]
    public async Task Invoke_BadArguments_ExitCode2WithCause(params string[] arguments)
    {
        var result = await RunAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("loos-edge modbus", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("loos-edge modbus read: --unit 300 is not a number from 0 to 247", "read", "--tcp", "127.0.0.1:502", "--unit", "300", "--address", "0")]
    [InlineData("loos-edge modbus read: --baud abc is not a number from 300 to 1000000", "read", "--rtu", "/dev/null", "--baud", "abc", "--unit", "1", "--address", "0")]
    [InlineData("loos-edge modbus read: --parity: 'X' is not N, E or O", "read", "--rtu", "/dev/null", "--parity", "X", "--unit", "1", "--address", "0")]
    [InlineData("loos-edge modbus read: --order 'ACBD' is not one of ABCD, CDAB, BADC, DCBA.", "read", "--tcp", "127.0.0.1:502", "--unit", "1", "--address", "0", "--order", "ACBD")]
    [InlineData("loos-edge modbus scan: --bauds fast is not a number from 300 to 1000000", "scan", "--rtu", "/dev/null", "--bauds", "9600,fast")]
    [InlineData("loos-edge modbus scan: --units 0 is not a number from 1 to 247", "scan", "--tcp", "127.0.0.1:502", "--units", "0-3")]
    public async Task Invoke_BadTypedValue_ExitCode2NamingTheOption(string message, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(arguments);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Equal([message, $"See: {message[..message.IndexOf(':', StringComparison.Ordinal)]} --help"], error.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public async Task Read_Repeat_PrintsRequestsPerSecond()
    {
        var result = await RunAsync("read", "--tcp", Endpoint, "--unit", "1", "--address", "0", "--count", "100", "--repeat", "20", "--json");

        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(20, json.RootElement.GetProperty("requests").GetInt32());
        Assert.True(json.RootElement.GetProperty("requests_per_second").GetDouble() > 0);
    }

    [Fact]
    public async Task Scan_TcpGateway_FindsTheUnitsThatAnswer()
    {
        device.SetFaults(new PymodbusFaults { Exceptions = [new PymodbusExceptionRange(0, 0, 2, UnitId: 2)] });

        var result = await RunAsync("scan", "--tcp", Endpoint, "--units", "1-4", "--timeout-ms", "150", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var found = json.RootElement.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal([1, 2], found.Select(d => d.GetProperty("unit").GetInt32()));
        Assert.Equal("data", found[0].GetProperty("reply").GetString());
        Assert.Contains("illegal data address", found[1].GetProperty("reply").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_RtuLineAtTwoBaudRates_ReportsUnitsAtEachSetting()
    {
        await using var pair = await SerialPortPair.StartAsync();
        await using var rtuDevice = await PymodbusDevice.StartRtuAsync(pair.DevicePath, ModbusPeerScenarios.Units());

        var result = await RunAsync("scan", "--rtu", pair.GatewayPath, "--units", "1-3", "--bauds", "9600,19200", "--parities", "N", "--timeout-ms", "150");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Equal(["unit 1 9600-8N1 data", "unit 2 9600-8N1 data", "unit 1 19200-8N1 data", "unit 2 19200-8N1 data", "4 device(s) answered out of 6 probes"], lines);
    }

    [Fact]
    public async Task Read_RtuOverTcp_ReadsRegisters()
    {
        await using var gateway = await PymodbusDevice.StartTcpAsync(ModbusPeerScenarios.Units(), rtuFraming: true);

        var result = await RunAsync("read", "--rtu-over-tcp", $"{gateway.Host}:{gateway.Port}", "--unit", "2", "--address", "0", "--count", "2", "--json");

        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal([0x2001, 0x2002], json.RootElement.GetProperty("registers").EnumerateArray().Select(r => r.GetInt32()));
    }

    private string Endpoint => $"{device.Host}:{device.Port}";

    private static double Value(string output)
    {
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("values")[0].GetDouble();
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LoosEdgeCommand.InvokeAsync(["modbus", .. arguments], new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
