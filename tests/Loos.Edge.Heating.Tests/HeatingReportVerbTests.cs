using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Loos.Edge.Verbs;

namespace Loos.Edge.Heating.Tests;

/// <summary><c>loos-edge heating report</c> on a readings CSV file: the worked examples of <see cref="HeatingCalculatorTests"/>.</summary>
public sealed class HeatingReportVerbTests : IDisposable
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-heating-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Report_Json_HomesSortedByProjectedCostWithTheirStatus()
    {
        var file = WriteReadings(("on-track", 0.2, 0.25), ("over", 1, 0.5), ("at-risk", 0.6, 0.42));

        var (exitCode, output, error) = await RunAsync("heating", "report", "--readings", file, "--as-of", "2026-01-01", "--tariff-eur-per-kwh", "0.10", "--fixed-eur-per-year", "50", "--dju-normal", "2000", "--json");

        Assert.True(exitCode == ExitCodes.Success, error);
        using var document = JsonDocument.Parse(output);
        var homes = document.RootElement.GetProperty("homes").EnumerateArray().ToList();
        Assert.Equal(["over", "at-risk", "on-track"], homes.Select(h => h.GetProperty("home").GetString()));
        Assert.Equal(["over", "at-risk", "on-track"], homes.Select(h => h.GetProperty("status").GetString()));
        var onTrack = homes[2];
        Assert.Equal(88.5, onTrack.GetProperty("kwh_ytd").GetDouble(), 3);
        Assert.Equal(34.06, onTrack.GetProperty("cost_ytd_eur").GetDouble(), 2);
        Assert.Equal(330, onTrack.GetProperty("dju_ytd").GetDouble(), 2);
        Assert.Equal(30, onTrack.GetProperty("days").GetInt32());
        Assert.Equal(0.2, onTrack.GetProperty("a_kwh_per_day").GetDouble(), 6);
        Assert.Equal(0.25, onTrack.GetProperty("b_kwh_per_dju").GetDouble(), 6);
        Assert.Equal(573, onTrack.GetProperty("projected_kwh").GetDouble(), 3);
        Assert.Equal(107.3, onTrack.GetProperty("projected_cost_eur").GetDouble(), 2);
        Assert.Equal(0, onTrack.GetProperty("estimated_days").GetInt32());
        Assert.Equal("2025-07-01", document.RootElement.GetProperty("year_start").GetString());
    }

    [Fact]
    public async Task Report_Csv_HasTheDocumentedColumns()
    {
        var file = WriteReadings(("on-track", 0.2, 0.25));

        var (exitCode, output, _) = await RunAsync("heating", "report", "--readings", file, "--as-of", "2026-01-01", "--tariff-eur-per-kwh", "0.10", "--fixed-eur-per-year", "50", "--dju-normal", "2000", "--csv");

        Assert.Equal(ExitCodes.Success, exitCode);
        var lines = output.Trim().Split('\n');
        Assert.Equal("home,kwh_ytd,cost_ytd_eur,dju_ytd,days,a_kwh_per_day,b_kwh_per_dju,projected_kwh,projected_cost_eur,status,estimated_days", lines[0].Trim());
        Assert.Equal("on-track,88.5,34.06,330,30,0.2,0.25,573,107.3,on-track,0", lines[1].Trim());
    }

    [Fact]
    public async Task Report_TargetOverride_ChangesTheStatus()
    {
        var file = WriteReadings(("on-track", 0.2, 0.25));

        var (_, output, _) = await RunAsync("heating", "report", "--readings", file, "--as-of", "2026-01-01", "--tariff-eur-per-kwh", "0.10", "--fixed-eur-per-year", "50", "--dju-normal", "2000", "--target-eur", "100", "--json");

        using var document = JsonDocument.Parse(output);
        Assert.Equal("at-risk", document.RootElement.GetProperty("homes")[0].GetProperty("status").GetString()); // 107.3 € ≤ 110.
    }

    [Fact]
    public async Task Report_MalformedLine_NamesTheFileAndLine()
    {
        var file = Path.Combine(directory, "bad.csv");
        File.WriteAllText(file, "time,home,quantity,value\n2025-12-01T00:00:00Z,12,energy_kwh,100\n2025-12-02T00:00:00Z,12,energy_kwh,abc\n");

        var (exitCode, _, error) = await RunAsync("heating", "report", "--readings", file, "--tariff-eur-per-kwh", "0.1", "--dju-normal", "2000");

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Contains($"{file}:3: value 'abc' is not a number", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_WithoutTariff_SaysWhereToGiveIt()
    {
        var file = WriteReadings(("on-track", 0.2, 0.25));

        var (exitCode, _, error) = await RunAsync("heating", "report", "--readings", file, "--dju-normal", "2000");

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains("heating:tariffEurPerKwh in the site file, or --tariff-eur-per-kwh", error, StringComparison.Ordinal);
    }

    /// <summary>December 2025 as in the worked examples: readings at local midnight, kWh/day = a + b × DJU, DJU 13 − k mod 5.</summary>
    private string WriteReadings(params (string Home, double A, double B)[] homes)
    {
        var text = new StringBuilder("time,home,quantity,value\n");
        for (var day = 0; day <= 30; day++)
        {
            var midnight = TimeZoneInfo.ConvertTimeToUtc(new DateTime(2025, 12, 1 + day, 0, 0, 0, DateTimeKind.Unspecified), Paris);
            var low = 2.0 + (day % 5);
            text.Append(CultureInfo.InvariantCulture, $"{midnight.AddHours(4):yyyy-MM-ddTHH:mm:ssZ},,outdoor_c,{low}\n");
            text.Append(CultureInfo.InvariantCulture, $"{midnight.AddHours(15):yyyy-MM-ddTHH:mm:ssZ},,outdoor_c,{low + 6}\n");
            foreach (var (home, a, b) in homes)
            {
                var counter = 1000 + Enumerable.Range(0, day).Sum(k => a + (b * (13 - (k % 5))));
                text.Append(CultureInfo.InvariantCulture, $"{midnight:yyyy-MM-ddTHH:mm:ssZ},{home},energy_kwh,{counter:R}\n");
            }
        }

        var path = Path.Combine(directory, "readings.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Theory]
    [InlineData("loos-edge heating report: --as-of '2026-13-01' is not a date yyyy-MM-dd", "--as-of", "2026-13-01")]
    [InlineData("loos-edge heating report: --tariff-eur-per-kwh cheap is not a number", "--tariff-eur-per-kwh", "cheap")]
    public async Task Report_BadTypedValue_ExitCode2NamingTheOption(string message, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(["heating", "report", "--readings", "readings.csv", .. arguments]);

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Empty(output);
        Assert.Equal([message, "See: loos-edge heating report --help"], error.TrimEnd().Split(Environment.NewLine));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LoosEdgeCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
