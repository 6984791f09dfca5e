using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Loos.Edge.Testing;

namespace Loos.Edge.Grafana.Tests;

/// <summary>
/// Every query of every board and alert rule, expanded as Grafana expands it, run on a real influxd that the real
/// gateway filled: no error anywhere, and data in every panel (a panel allowed to be empty says why in its description).
/// </summary>
[Collection(SeededTownCollection.Name)]
public sealed partial class BoardQueryTests(SeededTown town)
{
    private static readonly TimeSpan DatasourceMinimumInterval = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task EveryPanel_EveryRangeAndVariableChoice_RunsWithoutError_AndShowsData()
    {
        var problems = new List<string>();
        if (!town.SelfMetricsArrived)
        {
            problems.Add("the gateway wrote fewer than two loos_edge points within 30 s: the Gateways board and its alert rules have nothing to show");
        }

        var runs = 0;
        foreach (var (file, board) in GrafanaFiles.Boards)
        {
            var span = town.Now - GrafanaRange.Relative((string)board["time"]!["from"]!, town.Now).From;
            GrafanaRange[] ranges =
            [
                GrafanaRange.Relative((string)board["time"]!["from"]!, town.Now),
                GrafanaRange.Absolute(town.Now - span, town.Now),
                GrafanaRange.Server(town.Now - span, town.Now),
            ];
            var emptyTargets = new HashSet<BoardTarget>();
            foreach (var choice in Enum.GetValues<VariableChoice>())
            {
                var variables = await ResolveVariablesAsync(file, board, choice, problems);
                if (variables is null)
                {
                    continue;
                }

                foreach (var range in ranges)
                {
                    foreach (var target in GrafanaFiles.Targets(file, board))
                    {
                        var panelRange = range.ForPanel(target.Panel, town.Now);
                        var query = GrafanaMacros.Expand(target.Query, panelRange, panelRange.Interval(DatasourceMinimumInterval), variables);
                        runs++;
                        try
                        {
                            var series = await town.Influxd.QueryAsync(SeededTown.Database, query);
                            if (choice == VariableChoice.All && !HasData(series))
                            {
                                emptyTargets.Add(target);
                            }
                        }
                        catch (InvalidOperationException exception)
                        {
                            problems.Add($"{target.Where}, {range.Name}, variables {choice}: {exception.Message}");
                        }
                    }
                }
            }

            foreach (var target in emptyTargets)
            {
                if (!SaysWhyEmpty().IsMatch((string?)target.Panel["description"] ?? string.Empty))
                {
                    problems.Add($"{target.Where}: no data on the seeded town, and the panel's description does not say why it may be empty: {target.Query}");
                }
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) in {runs} queries:\n{string.Join('\n', problems)}\n{town.Gateway.Tail()}");
    }

    [Fact]
    public async Task EveryAlertRuleQuery_OverItsRange_RunsWithoutError_AndFindsTheSeries()
    {
        var problems = new List<string>();
        var queries = GrafanaFiles.AlertQueries();
        Assert.NotEmpty(queries);
        foreach (var alert in queries)
        {
            var range = GrafanaRange.Server(town.Now - alert.Range, town.Now);
            var query = GrafanaMacros.Expand(alert.Query, range, range.Interval(DatasourceMinimumInterval), new Dictionary<string, string>());
            try
            {
                if (!HasData(await town.Influxd.QueryAsync(SeededTown.Database, query)))
                {
                    problems.Add($"{alert.Where}: no data on the seeded town: {query}");
                }
            }
            catch (InvalidOperationException exception)
            {
                problems.Add($"{alert.Where}: {exception.Message}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task AlertRules_OnTheSeededTown_FindTheHomeOverItsTarget_AndTheCircuitNotFollowing()
    {
        // The rules' own thresholds (C) over their last values (B): over target is status 2. From the seeded physics, at
        // 0.10 €/kWh + 50 €/year and 2,000 DJU a year: logement-02 loses 60 W/K, 1.44 kWh per DJU, 2,880 kWh, 338 € (over
        // 165 €); logement-03 22 W/K, 156 € (at risk); logement-01 18 W/K, 136 € (on track).
        var overTarget = GrafanaFiles.AlertQueries().Single(q => q.RuleUid == "loos-edge-home-over-target");
        var range = GrafanaRange.Server(town.Now - overTarget.Range, town.Now);
        var homes = await town.Influxd.QueryAsync(SeededTown.Database, GrafanaMacros.Expand(overTarget.Query, range, TimeSpan.FromMinutes(1), new Dictionary<string, string>()));
        var over = homes.Where(s => s.Values[^1][1].GetDouble() > 1.5).Select(s => s.Tags["home"]).ToList();
        Assert.Equal(["logement-02"], over);

        var notFollowing = GrafanaFiles.AlertQueries().Single(q => q.RuleUid == "loos-edge-lighting-not-following");
        range = GrafanaRange.Server(town.Now - notFollowing.Range, town.Now);
        var circuits = await town.Influxd.QueryAsync(SeededTown.Database, GrafanaMacros.Expand(notFollowing.Query, range, TimeSpan.FromMinutes(1), new Dictionary<string, string>()));
        Assert.Equal(["rue-lamartine"], circuits.Where(s => s.Values[^1][1].GetDouble() > 0).Select(s => s.Tags["circuit"]));
    }

    /// <summary>
    /// Runs the board's variable queries in order (each may use the ones before it) and sets each variable for
    /// <paramref name="choice"/>; null when one fails or finds no value.
    /// </summary>
    private async Task<Dictionary<string, string>?> ResolveVariablesAsync(string file, JsonObject board, VariableChoice choice, List<string> problems)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in GrafanaFiles.Variables(board))
        {
            var name = (string)variable["name"]!;
            var query = GrafanaMacros.Expand((string)variable["query"]!, GrafanaRange.Relative("now-7d", town.Now), DatasourceMinimumInterval, values);
            List<string> options;
            try
            {
                var series = await town.Influxd.QueryAsync(SeededTown.Database, query);
                options = [.. series.SelectMany(s => s.Values).Select(row => row[^1].GetString()!).Distinct().Order(StringComparer.Ordinal)];
            }
            catch (InvalidOperationException exception)
            {
                problems.Add($"{file}: variable {name}: {exception.Message}");
                return null;
            }

            if (options.Count == 0)
            {
                problems.Add($"{file}: variable {name} finds no value on the seeded town: {query}");
                return null;
            }

            values[name] = GrafanaMacros.Interpolate(variable, GrafanaMacros.Choose(variable, options, choice));
        }

        return values;
    }

    private static bool HasData(IReadOnlyList<InfluxSeries> series) =>
        series.Any(s => s.Values.Any(row => row.Skip(1).Any(value => value.ValueKind is not JsonValueKind.Null)));

    /// <summary>A description that says when or why its panel is empty.</summary>
    [GeneratedRegex(@"\b(is|are|stays?) empty\b", RegexOptions.IgnoreCase)]
    private static partial Regex SaysWhyEmpty();
}
