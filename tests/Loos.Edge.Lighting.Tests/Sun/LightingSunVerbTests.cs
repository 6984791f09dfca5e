using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Loos.Edge.Testing;
using Loos.Edge.Verbs;

namespace Loos.Edge.Lighting.Tests.Sun;

/// <summary><c>loos-edge lighting sun</c> as a technician runs it.</summary>
public sealed class LightingSunVerbTests : IDisposable
{
    private static readonly string[] EventNames =
        ["astronomicalDawn", "nauticalDawn", "civilDawn", "sunrise", "solarNoon", "sunset", "civilDusk", "nauticalDusk", "astronomicalDusk"];

    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-sun-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Sun_JsonAtLoosOnTheSolstice_HasEveryEventInUtcAndParisTime()
    {
        var (exitCode, output, error) = await RunAsync("lighting", "sun", "--latitude", "50.457", "--longitude", "2.793", "--date", "2026-06-21", "--json");

        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.StartsWith("{\"latitude\":50.457,\"longitude\":2.793,\"days\":[{\"date\":\"2026-06-21\",\"events\":{\"astronomicalDawn\":null,", output, StringComparison.Ordinal);
        Assert.Contains("+02:00\"", output, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(["latitude", "longitude", "days"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(50.457, root.GetProperty("latitude").GetDouble());
        Assert.Equal(2.793, root.GetProperty("longitude").GetDouble());
        var day = Assert.Single(root.GetProperty("days").EnumerateArray());
        Assert.Equal(["date", "events", "local"], day.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-06-21", day.GetProperty("date").GetString());
        var events = day.GetProperty("events");
        var local = day.GetProperty("local");
        Assert.Equal(EventNames, events.EnumerateObject().Select(p => p.Name));
        Assert.Equal(EventNames, local.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, events.GetProperty("astronomicalDawn").ValueKind);
        Assert.Equal(JsonValueKind.Null, events.GetProperty("astronomicalDusk").ValueKind);
        Assert.Equal(JsonValueKind.Null, local.GetProperty("astronomicalDusk").ValueKind);

        // NOAA's calculator (see SolarCalculatorTests): sunrise 03:37:07 UTC, sunset 20:04:11 UTC.
        var sunrise = events.GetProperty("sunrise").GetString()!;
        Assert.Matches(@"^2026-06-21T\d\d:\d\d:\d\dZ$", sunrise);
        Assert.InRange(DateTimeOffset.Parse(sunrise, CultureInfo.InvariantCulture), Instant("2026-06-21T03:36:07Z"), Instant("2026-06-21T03:38:07Z"));
        var localSunset = local.GetProperty("sunset").GetString()!;
        Assert.Matches(@"^2026-06-21T22:0\d:\d\d\+02:00$", localSunset);
        Assert.Equal(DateTimeOffset.Parse(events.GetProperty("sunset").GetString()!, CultureInfo.InvariantCulture), DateTimeOffset.Parse(localSunset, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Sun_Json_IsWhatTheReadmeShows()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("### Sun times", StringComparison.Ordinal)..];
        var start = section.IndexOf("```json", StringComparison.Ordinal) + "```json".Length;
        var documented = section[start..section.IndexOf("```", start, StringComparison.Ordinal)].Trim();

        var (exitCode, output, error) = await RunAsync("lighting", "sun", "--latitude", "50.457", "--longitude", "2.793", "--date", "2026-06-21", "--json");

        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.Equal(documented, output.Trim());
    }

    [Fact]
    public async Task Sun_AcrossTheAutumnClockChange_LocalOffsetsFollowParis()
    {
        var (exitCode, output, error) = await RunAsync("lighting", "sun", "--latitude", "50.457", "--longitude", "2.793", "--date", "2026-10-24", "--days", "2", "--json");

        Assert.True(exitCode == ExitCodes.Success, error);
        using var document = JsonDocument.Parse(output);
        var days = document.RootElement.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(["2026-10-24", "2026-10-25"], days.Select(d => d.GetProperty("date").GetString()));
        Assert.EndsWith("+02:00", days[0].GetProperty("local").GetProperty("sunrise").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("+01:00", days[1].GetProperty("local").GetProperty("sunrise").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("2026-10-25T07:2", days[1].GetProperty("local").GetProperty("sunrise").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sun_FromTheSiteFile_UsesItsPlaceAndTimeZone()
    {
        var site = WriteSite("""
            site:
              name: tromso
              latitude: 69.6492
              longitude: 18.9553
              timeZone: Europe/Oslo
            """);

        var (exitCode, output, error) = await RunAsync("lighting", "sun", "--config", site, "--date", "2026-12-21", "--json");

        Assert.True(exitCode == ExitCodes.Success, error);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(69.6492, document.RootElement.GetProperty("latitude").GetDouble());
        var day = document.RootElement.GetProperty("days")[0];
        Assert.Equal(JsonValueKind.Null, day.GetProperty("events").GetProperty("sunrise").ValueKind);
        Assert.Equal(JsonValueKind.Null, day.GetProperty("local").GetProperty("sunset").ValueKind);
        Assert.EndsWith("+01:00", day.GetProperty("local").GetProperty("civilDawn").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sun_Table_NamesEachEventWithItsAngleAndShowsAbsentOnes()
    {
        var (exitCode, output, error) = await RunAsync("lighting", "sun", "--latitude", "50.457", "--longitude", "2.793", "--date", "2026-06-21");

        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.Contains("Europe/Paris", output, StringComparison.Ordinal);
        Assert.Contains("Sunday 2026-06-21, day length 16 h 27 min", output, StringComparison.Ordinal);
        var lines = output.Split(Environment.NewLine);
        Assert.Matches(@"civil dusk \(−6°\)\s+22:4\d:\d\d \+02:00", Line(lines, "civil dusk"));
        Assert.Matches(@"nautical dusk \(−12°\)\s+23:5\d:\d\d \+02:00", Line(lines, "nautical dusk"));
        Assert.Matches(@"sunrise \(−0\.833°\)\s+05:3\d:\d\d \+02:00\s+\(03:3\d:\d\d UTC\)", Line(lines, "sunrise"));
        Assert.Matches(@"astronomical dusk \(−18°\)\s+—", Line(lines, "astronomical dusk"));
        Assert.Contains("solar noon (sun at ", Line(lines, "solar noon"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sun_TableInThePolarDay_SaysTheSunDoesNotSet()
    {
        var (exitCode, output, error) = await RunAsync("lighting", "sun", "--latitude", "69.6492", "--longitude", "18.9553", "--time-zone", "Europe/Oslo", "--date", "2026-06-21");

        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.Contains("day length 24 h (the sun does not set)", output, StringComparison.Ordinal);
        Assert.Matches(@"sunset \(−0\.833°\)\s+—  the sun stays above −0\.833°", output);
    }

    [Theory]
    [InlineData("--latitude '91' is", "--latitude", "91", "--longitude", "2.8", "--date", "2026-06-21")]
    [InlineData("--longitude '-181' is", "--latitude", "50", "--longitude", "-181", "--date", "2026-06-21")]
    [InlineData("--latitude 'north' is", "--latitude", "north", "--longitude", "2.8", "--date", "2026-06-21")]
    [InlineData("--latitude needs --longitude", "--latitude", "50", "--date", "2026-06-21")]
    [InlineData("--longitude needs --latitude", "--longitude", "2.8", "--date", "2026-06-21")]
    [InlineData("give --config FILE", "--date", "2026-06-21")]
    [InlineData("--date '2026-02-30' is not a date", "--latitude", "50", "--longitude", "2.8", "--date", "2026-02-30")]
    [InlineData("--date '21/06/2026' is not a date", "--latitude", "50", "--longitude", "2.8", "--date", "21/06/2026")]
    [InlineData("--date", "--latitude", "50", "--longitude", "2.8")]
    [InlineData("--days 0 is not", "--latitude", "50", "--longitude", "2.8", "--date", "2026-06-21", "--days", "0")]
    [InlineData("--days 367 is not", "--latitude", "50", "--longitude", "2.8", "--date", "2026-06-21", "--days", "367")]
    [InlineData("--time-zone 'Mars/Olympus' is not a time zone", "--latitude", "50", "--longitude", "2.8", "--time-zone", "Mars/Olympus", "--date", "2026-06-21")]
    public async Task Sun_BadArguments_ExitTwoNamingTheOption(string cause, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(["lighting", "sun", .. arguments]);

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Empty(output);
        Assert.Contains(cause.Replace("'", string.Empty, StringComparison.Ordinal), error.Replace("'", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sun_ConfigAndCoordinatesTogether_AreRefused()
    {
        var site = WriteSite("site:\n  latitude: 50.457\n  longitude: 2.793\n");

        var (exitCode, _, error) = await RunAsync("lighting", "sun", "--config", site, "--latitude", "50", "--longitude", "2", "--date", "2026-06-21");

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains("not both", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sun_SiteFileWithoutCoordinates_ExitsTwoNamingTheKeys()
    {
        var site = WriteSite("site:\n  name: mairie\n");

        var (exitCode, output, error) = await RunAsync("lighting", "sun", "--config", site, "--date", "2026-06-21");

        Assert.Equal(ExitCodes.InvalidSiteFile, exitCode);
        Assert.Empty(output);
        Assert.Contains("site:latitude", error, StringComparison.Ordinal);
    }

    private static string Line(string[] lines, string label) => Assert.Single(lines, l => l.TrimStart().StartsWith(label + " (", StringComparison.Ordinal));

    private static DateTimeOffset Instant(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LoosEdgeCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private string WriteSite(string siteSection)
    {
        var path = Path.Combine(directory, "site.yaml");
        File.WriteAllText(path, siteSection.TrimEnd() + "\nbuffer:\n  directory: buffer\nforwarder:\n  targets:\n    - name: town\n      api: v1\n      url: http://127.0.0.1:1\n      database: site\n");
        return path;
    }
}
