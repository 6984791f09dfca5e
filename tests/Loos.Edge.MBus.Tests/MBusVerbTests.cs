using System.CommandLine;
using System.Text.Json;
using Loos.Edge.Verbs;

namespace Loos.Edge.MBus.Tests;

public sealed class MBusVerbTests
{
    private const string Kamstrup = "68 15 15 68 08 11 72 17 58 85 06 2D 2C 08 04 04 00 00 00 04 06 E7 91 00 00";

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LoosEdgeCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static string WithChecksum(string hex)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
        byte sum = 0;
        foreach (var value in bytes.AsSpan(4))
        {
            sum += value;
        }

        return $"{hex} {sum:X2} 16";
    }

    [Fact]
    public async Task Decode_HexJson_PrintsTheTelegramShape()
    {
        var (exitCode, output, _) = await RunAsync("mbus", "decode", WithChecksum(Kamstrup), "--json");

        Assert.Equal(ExitCodes.Success, exitCode);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal("KAM", root.GetProperty("manufacturer").GetString());
        Assert.Equal("06855817", root.GetProperty("identification").GetString());
        Assert.Equal("heat (outlet)", root.GetProperty("medium").GetString());
        var record = root.GetProperty("records")[0];
        Assert.Equal("instantaneous", record.GetProperty("function").GetString());
        Assert.Equal("energy", record.GetProperty("quantity").GetString());
        Assert.Equal("Wh", record.GetProperty("unit").GetString());
        Assert.Equal(37351000, record.GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Decode_ApplicationError_PrintsTheErrorMeaning()
    {
        var (exitCode, output, _) = await RunAsync("mbus", "decode", "68 04 04 68 08 01 70 08 81 16", "--json");

        Assert.Equal(ExitCodes.Success, exitCode);
        using var document = JsonDocument.Parse(output);
        Assert.Equal("application busy", document.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Decode_BadChecksum_ExitsFailureWithTheOffset()
    {
        var (exitCode, _, error) = await RunAsync("mbus", "decode", Kamstrup + " 00 16");

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Contains("checksum", error, StringComparison.Ordinal);
        Assert.Contains("at byte 25", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_FileWithFrame_PrintsRecords()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mbus-{Guid.NewGuid():N}.hex");
        await File.WriteAllTextAsync(path, WithChecksum(Kamstrup) + "\r\n\r\n");
        try
        {
            var (exitCode, output, _) = await RunAsync("mbus", "decode", "--file", path);

            Assert.Equal(ExitCodes.Success, exitCode);
            Assert.Contains("37351000 Wh", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Decode_NoFrame_ExitsBadArguments()
    {
        var (exitCode, _, error) = await RunAsync("mbus", "decode");

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains("HEX or --file", error, StringComparison.Ordinal);
    }
}
