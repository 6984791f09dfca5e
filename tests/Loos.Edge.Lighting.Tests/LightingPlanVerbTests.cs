using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Testing;
using Loos.Edge.Verbs;

namespace Loos.Edge.Lighting.Tests;

/// <summary><c>loos-edge config validate</c> and <c>loos-edge lighting plan</c> as the crew runs them, on real site files.</summary>
public sealed class LightingPlanVerbTests : IDisposable
{
    private static readonly string Example = Path.Combine(RepositoryPaths.Root, "firmware-config", "site.lighting-example.yaml");
    private readonly string folder = Directory.CreateTempSubdirectory("loos-edge-plan-").FullName;

    [Fact]
    public async Task ConfigValidate_LightingExample_Valid()
    {
        var (exitCode, output, error) = await RunAsync("config", "validate", "--config", Example);

        Assert.True(exitCode == 0, error);
        Assert.Contains("valid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigValidate_BrokenProgrammes_EveryProblemWithItsLine()
    {
        var path = Path.Combine(folder, "site.yaml");
        await File.WriteAllTextAsync(path, """
            buffer:
              directory: buffer
            lighting:
              circuits:
                - name: rue
                  controller: armoire-12
                  luminaires: [l01]
                  ratedPowerW: 400
              programmes:
                - name: semaine
                  steps:
                    - at: sunset
                      level: 100
                    - at: "25:00"
                      level: 50
                    - at: "23:00"
                      level: 140
                - name: semaine
                  steps:
                    - at: "23:00"
                      level: 0
                    - at: "22:00"
                      level: 50
              calendar:
                - name: tous-les-soirs
                  programme: semaine
                - name: samedi
                  weekdays: [saturday]
                  programme: weekend
            """);

        var (exitCode, _, error) = await RunAsync("config", "validate", "--config", path);

        Assert.Equal(2, exitCode);
        string[] expected =
        [
            $"{path}:12: lighting:programmes:0:steps:0:at: 'sunset' is a sun event: the site needs site:latitude and site:longitude",
            $"{path}:14: lighting:programmes:0:steps:1:at: '25:00' is neither a local time",
            $"{path}:17: lighting:programmes:0:steps:2:level 140 is outside 0",
            $"{path}:18: lighting:programmes:1:name: 'semaine' names two programmes",
            $"{path}:22: lighting:programmes:1:steps:1:at: '22:00' comes before the step above it ('23:00')",
            $"{path}:29: lighting:calendar:1:programme: no programme is named 'weekend'",
            $"{path}:27: lighting:calendar:1 ('samedi') can never match: every night it matches, an earlier rule matches first: 'tous-les-soirs'",
        ];
        Assert.All(expected, line => Assert.Contains(line, error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_Example14July_FireworksProgrammeInLocalTimeAsJson()
    {
        var (exitCode, output, error) = await RunAsync("lighting", "plan", "--config", Example, "--from", "2026-07-14", "--circuit", "rue-basly", "--json");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var night = Assert.Single(json.RootElement.GetProperty("nights").EnumerateArray());
        Assert.Equal(("2026-07-14", "feu-d-artifice", "fete-nationale"), (night.GetProperty("night").GetString(), night.GetProperty("programme").GetString(), night.GetProperty("rule").GetString()));
        var circuit = Assert.Single(night.GetProperty("circuits").EnumerateArray());
        // The example: on at civil dusk − 30 min but not after 22:00 (civil dusk is near 22:35 then), off 22:45–23:30, off at 02:00.
        Assert.Equal(
            [("2026-07-14T22:00:00+02:00", "2026-07-14T20:00:00Z", 100), ("2026-07-14T22:45:00+02:00", "2026-07-14T20:45:00Z", 0), ("2026-07-14T23:30:00+02:00", "2026-07-14T21:30:00Z", 100), ("2026-07-15T02:00:00+02:00", "2026-07-15T00:00:00Z", 0)],
            circuit.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("local").GetString(), s.GetProperty("utc").GetString(), s.GetProperty("level").GetInt32())));
        Assert.Equal(3.25, circuit.GetProperty("litHours").GetDouble());
        Assert.Equal(3.25, circuit.GetProperty("hoursAtLevel").GetProperty("100").GetDouble());
        Assert.Equal(0.36 * 3.25, circuit.GetProperty("plannedKwh").GetDouble(), 3);
    }

    [Fact]
    public async Task Plan_StoredOverride_AppliedAndCounted()
    {
        var path = Path.Combine(folder, "site.yaml");
        // The example with its buffer (and so its overrides file) here, and its presets where they are.
        var site = File.ReadAllText(Example).Replace("/var/lib/loos-edge/buffer", Path.Combine(folder, "buffer"), StringComparison.Ordinal);
        site = Regex.Replace(site, "^mqtt:.*$", $"mqtt:\n  presetDirectory: {Path.Combine(RepositoryPaths.Root, "firmware-config", "mqtt-presets")}", RegexOptions.Multiline);
        await File.WriteAllTextAsync(path, site);
        Directory.CreateDirectory(Path.Combine(folder, "buffer"));
        // Works in the street on 15 July from 23:30 to 00:30 local (21:30–22:30Z): full light on rue-basly only.
        var works = new LightingOverride("w1", ["rue-basly"], 100, new DateTimeOffset(2026, 7, 15, 21, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 7, 15, 22, 30, 0, TimeSpan.Zero), "travaux", new DateTimeOffset(2026, 7, 1, 8, 0, 0, TimeSpan.Zero));
        OverrideFile.Write(Path.Combine(folder, "buffer", OverrideFile.FileName), [works]);

        var (exitCode, output, error) = await RunAsync("lighting", "plan", "--config", path, "--from", "2026-07-15", "--csv");

        Assert.True(exitCode == 0, error);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("night,circuit,rule,programme,steps,lit_hours,hours_at_levels,planned_kwh,full_light_kwh,saved_kwh", lines[0]);
        // The semaine programme is off from 23:00 to 05:00; the override lights rue-basly from 23:30 to 00:30.
        Assert.Contains("2026-07-15T23:30+02:00=100 2026-07-16T00:30+02:00=0", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("2026-07-15,place-de-la-mairie,semaine,semaine,", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("23:30", lines[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--from", "2026-13-01")]
    [InlineData("--from", "2026-07-14", "--days", "0")]
    [InlineData("--from", "2026-07-14", "--circuit", "rue-nulle-part")]
    [InlineData("--from", "2026-07-14", "--json", "--csv")]
    [InlineData("--days", "2")]
    public async Task Plan_BadArguments_Exit2NamingTheProblem(params string[] arguments)
    {
        var (exitCode, _, error) = await RunAsync(["lighting", "plan", "--config", Example, .. arguments]);

        Assert.Equal(2, exitCode);
        Assert.Contains("loos-edge lighting plan", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LoosEdgeCommand.InvokeAsync(arguments, new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
