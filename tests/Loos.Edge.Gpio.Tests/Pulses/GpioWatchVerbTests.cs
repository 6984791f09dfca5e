using System.CommandLine;
using System.Text.Json;
using Loos.Edge.Verbs;

namespace Loos.Edge.Gpio.Tests.Pulses;

public sealed class GpioWatchVerbTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-watch-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await LoosEdgeCommand.InvokeAsync(arguments, new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("loos-edge gpio watch: --pin x is not a BCM GPIO number of the 40-pin header (0-27)", "--pin", "x")]
    [InlineData("loos-edge gpio watch: --debounce 31 is not between 0 and 30 ms (EN 62053-31: a pulse and its pause last at least 30 ms)", "--pin", "17", "--debounce", "31")]
    [InlineData("loos-edge gpio watch: --seconds 0 is not a positive number of seconds", "--pin", "17", "--seconds", "0")]
    [InlineData("loos-edge gpio watch: --pulses-per-unit -5 is not a positive number", "--pin", "17", "--pulses-per-unit", "-5")]
    public async Task Watch_BadTypedValue_ExitCode2NamingTheOption(string message, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(["gpio", "watch", .. arguments]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Equal([message, "See: loos-edge gpio watch --help"], error.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public async Task Watch_SimulatedPulsesWithBounce_JsonLinesCountThemAndDerivePower()
    {
        var edges = Path.Combine(directory, "edges");
        await File.WriteAllTextAsync(edges, "17 pulse 24\n# release bounce\n17 low\n17 high\n17 low\n17 high\n27 pulse 3\n");

        var (exitCode, output, error) = await RunAsync("gpio", "watch", "--pin", "17", "--pulses-per-unit", "1000", "--json", "--seconds", "2", "--simulated-edges", edges);

        Assert.True(exitCode == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var last = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(25, last.GetProperty("pulses").GetInt64());
        Assert.Equal(1, last.GetProperty("rejectedEdges").GetInt64());
        Assert.Equal("W", last.GetProperty("unit").GetString());
        Assert.True(last.GetProperty("power").GetDouble() > 0);
    }

    [Fact]
    public async Task Watch_Redirected_OneLineASecond()
    {
        var edges = Path.Combine(directory, "edges");
        await File.WriteAllTextAsync(edges, "5 pulse 3\n");

        var (exitCode, output, _) = await RunAsync("gpio", "watch", "--pin", "5", "--seconds", "2", "--simulated-edges", edges);

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("GPIO 5: 3 pulses", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain('\r', output);
    }

    [Fact]
    public async Task Watch_PinOfNoChip_ExitsOneWithTheCause()
    {
        var (exitCode, _, error) = await RunAsync("gpio", "watch", "--pin", "17", "--seconds", "1");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("loos-edge gpio watch: ", error, StringComparison.Ordinal);
        Assert.Contains("cannot be opened", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_PinOffTheHeader_BadArguments()
    {
        var (exitCode, _, error) = await RunAsync("gpio", "watch", "--pin", "40", "--seconds", "1");

        Assert.Equal(2, exitCode);
        Assert.Contains("--pin 40 is not a BCM GPIO number", error, StringComparison.Ordinal);
    }
}
