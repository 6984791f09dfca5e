using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Loos.Edge.Testing;

namespace Loos.Edge.Grafana.Tests;

/// <summary>What Grafana needs of the files before it can show a board: ids, datasource, raw InfluxQL, variables, provisioning.</summary>
public sealed partial class BoardLintTests
{
    /// <summary>The boards, each one file.</summary>
    private static readonly string[] ExpectedBoards = ["gateways.json", "home.json", "public-lighting.json", "solar.json", "town-heating.json"];

    /// <summary>The Classic JSON model version the boards are written in (README, "Grafana boards").</summary>
    private const int SchemaVersion = 39;

    [Fact]
    public void Boards_AreTheFive_WithUniqueUids_AndThePinnedSchemaVersion()
    {
        Assert.Equal(ExpectedBoards, GrafanaFiles.Boards.Select(b => b.File));
        var uids = GrafanaFiles.Boards.Select(b => (string?)b.Board["uid"]).ToList();
        Assert.All(uids, uid => Assert.False(string.IsNullOrEmpty(uid)));
        Assert.Equal(uids.Count, uids.Distinct().Count());
        Assert.All(GrafanaFiles.Boards, b => Assert.Equal(SchemaVersion, (int?)b.Board["schemaVersion"]));
        Assert.Contains($"schemaVersion` {SchemaVersion}", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Panels_HaveUniqueIds_PerBoard_AndADescription()
    {
        foreach (var (file, board) in GrafanaFiles.Boards)
        {
            var ids = GrafanaFiles.Panels(board).Select(p => (int?)p["id"]).ToList();
            Assert.All(ids, id => Assert.True(id is not null, $"{file}: a panel without id"));
            var repeated = ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(repeated.Count == 0, $"{file}: panel ids used more than once: {string.Join(", ", repeated)}");
            Assert.All(GrafanaFiles.Panels(board), p => Assert.False(string.IsNullOrWhiteSpace((string?)p["description"]), $"{file}: panel {(int?)p["id"]} has no description"));
        }
    }

    [Fact]
    public void EveryPanelTargetAndVariable_IsOnTheProvisionedDatasource_AsRawInfluxQl()
    {
        var problems = new List<string>();
        foreach (var (file, board) in GrafanaFiles.Boards)
        {
            foreach (var panel in GrafanaFiles.Panels(board).Where(p => (string?)p["type"] != "row"))
            {
                CheckDatasource(panel["datasource"], $"{file}: panel {(int?)panel["id"]}", problems);
                if (panel["targets"] is not JsonArray { Count: > 0 })
                {
                    problems.Add($"{file}: panel {(int?)panel["id"]} has no query");
                }
            }

            foreach (var target in GrafanaFiles.Targets(file, board))
            {
                CheckDatasource(target.Target["datasource"], target.Where, problems);
                // A builder-mode target (rawQuery false) is built from select/groupBy/tags, which Grafana rewrites: only text is checked here.
                if ((bool?)target.Target["rawQuery"] != true || string.IsNullOrWhiteSpace(target.Query))
                {
                    problems.Add($"{target.Where}: not a raw InfluxQL query (rawQuery: true and query)");
                }

                foreach (var builderKey in new[] { "select", "groupBy", "tags", "measurement", "policy" })
                {
                    if (target.Target.ContainsKey(builderKey))
                    {
                        problems.Add($"{target.Where}: query-builder key '{builderKey}'");
                    }
                }
            }

            foreach (var variable in GrafanaFiles.Variables(board))
            {
                CheckDatasource(variable["datasource"], $"{file}: variable {(string?)variable["name"]}", problems);
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void EveryVariableUsed_IsDefined_AndMultiValueOnesOnlyInAnAnchoredRegex()
    {
        var problems = new List<string>();
        foreach (var (file, board) in GrafanaFiles.Boards)
        {
            var variables = GrafanaFiles.Variables(board);
            var defined = variables.Select(v => (string)v["name"]!).ToHashSet(StringComparer.Ordinal);
            var multi = variables.Where(v => (bool?)v["multi"] == true || (bool?)v["includeAll"] == true).Select(v => (string)v["name"]!).ToList();
            var texts = GrafanaFiles.Targets(file, board).Select(t => (t.Where, t.Query))
                .Concat(variables.Select(v => ($"{file}: variable {(string?)v["name"]}", (string)v["query"]!)));
            foreach (var (where, text) in texts)
            {
                foreach (var name in GrafanaMacros.References(text).Where(n => !defined.Contains(n) && !GrafanaMacros.BuiltIns.Contains(n)))
                {
                    problems.Add($"{where}: ${name} is not a variable of the board");
                }

                // Several values become (a|b), which is InfluxQL only inside /^…$/.
                foreach (var name in multi)
                {
                    var uses = Regex.Count(text, $@"\$\{{?{name}\b");
                    var anchored = Regex.Count(text, $@"/\^\$\{{?{name}\}}?\$/");
                    if (uses != anchored)
                    {
                        problems.Add($"{where}: multi-value ${name} used outside /^${name}$/");
                    }
                }
            }

            foreach (var target in GrafanaFiles.Targets(file, board))
            {
                foreach (Match alias in Regex.Matches((string?)target.Target["alias"] ?? string.Empty, @"\$(\w+)"))
                {
                    var name = alias.Groups[1].Value;
                    if (!name.StartsWith("tag_", StringComparison.Ordinal) && name is not ("col" or "m" or "measurement") && !defined.Contains(name))
                    {
                        problems.Add($"{target.Where}: alias pattern ${name} is neither $tag_…, $col, $m nor a variable");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void DatasourceProvisioning_IsInfluxDb1_InInfluxQl_WithTheBoardsUid()
    {
        var files = Directory.GetFiles(Path.Combine(GrafanaFiles.ProvisioningFolder, "datasources"), "*.yaml");
        var datasource = Assert.Single(files.SelectMany(f => GrafanaFiles.Sequence(GrafanaFiles.Provisioning(Path.Combine("datasources", Path.GetFileName(f))), "datasources")));
        Assert.Equal(GrafanaFiles.DatasourceUid, GrafanaFiles.Scalar(datasource, "uid"));
        Assert.Equal("influxdb", GrafanaFiles.Scalar(datasource, "type"));
        Assert.Equal("proxy", GrafanaFiles.Scalar(datasource, "access"));
        Assert.Equal("${LOOS_EDGE_INFLUXDB_URL}", GrafanaFiles.Scalar(datasource, "url"));
        var jsonData = (YamlDotNet.RepresentationModel.YamlMappingNode)datasource["jsonData"];
        Assert.Equal("InfluxQL", GrafanaFiles.Scalar(jsonData, "version"));
        Assert.Equal("${LOOS_EDGE_INFLUXDB_DATABASE}", GrafanaFiles.Scalar(jsonData, "dbName"));
    }

    [Fact]
    public void DashboardProvisioning_PointsAtTheBoardsFolder()
    {
        var environment = new Dictionary<string, string> { ["LOOS_EDGE_GRAFANA"] = GrafanaFiles.Folder };
        var files = Directory.GetFiles(Path.Combine(GrafanaFiles.ProvisioningFolder, "dashboards"), "*.yaml");
        var provider = Assert.Single(files.SelectMany(f => GrafanaFiles.Sequence(GrafanaFiles.Provisioning(Path.Combine("dashboards", Path.GetFileName(f)), environment), "providers")));
        Assert.Equal("file", GrafanaFiles.Scalar(provider, "type"));
        var path = GrafanaFiles.Scalar((YamlDotNet.RepresentationModel.YamlMappingNode)provider["options"], "path");
        Assert.True(Path.IsPathRooted(path), path);
        Assert.Equal(Path.GetFullPath(GrafanaFiles.DashboardsFolder), Path.GetFullPath(path));
        Assert.Equal(ExpectedBoards, Directory.GetFiles(path, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AlertRules_AreTheFive_OnTheProvisionedDatasource_AsRawInfluxQl_WithTheirConditionDefined()
    {
        var root = GrafanaFiles.Provisioning(Path.Combine("alerting", "loos-edge.yaml"));
        Assert.Equal("1", GrafanaFiles.Scalar(root, "apiVersion"));
        var rules = GrafanaFiles.Sequence(root, "groups").SelectMany(g => GrafanaFiles.Sequence(g, "rules")).ToList();
        Assert.Equal(
            ["loos-edge-gateway-silent", "loos-edge-readings-lost", "loos-edge-buffer-filling", "loos-edge-home-over-target", "loos-edge-lighting-not-following"],
            rules.Select(r => GrafanaFiles.Scalar(r, "uid")));
        foreach (var rule in rules)
        {
            var refIds = GrafanaFiles.Sequence(rule, "data").Select(d => GrafanaFiles.Scalar(d, "refId")).ToList();
            Assert.Contains(GrafanaFiles.Scalar(rule, "condition"), refIds);
            Assert.False(string.IsNullOrWhiteSpace(GrafanaFiles.Scalar(rule, "title")));
        }

        var queries = GrafanaFiles.AlertQueries();
        Assert.Equal(rules.Count, queries.Count);
        Assert.All(queries, q =>
        {
            Assert.Equal(GrafanaFiles.DatasourceUid, q.DatasourceUid);
            Assert.True(q.RawQuery, q.Where);
            Assert.Contains("$timeFilter", q.Query, StringComparison.Ordinal);
            Assert.True(q.Range > TimeSpan.Zero, q.Where);
        });
    }

    [Fact]
    public void Expansion_OfAMultiValueVariable_IsTheAnchoredAlternation_Grafana_Sends()
    {
        // Reference: Grafana's InfluxDB datasource (interpolateQueryExpr) turns two values of a multi-value variable into
        // (a|b), regex-escaped, and a single-value variable into its value as is.
        var multi = new JsonObject { ["name"] = "home", ["multi"] = true, ["includeAll"] = true };
        var single = new JsonObject { ["name"] = "home", ["multi"] = false, ["includeAll"] = false };
        var variables = new Dictionary<string, string> { ["home"] = GrafanaMacros.Interpolate(multi, ["a.1", "b/2"]) };
        var range = GrafanaRange.Relative("now-7d", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        Assert.Equal(
            "SELECT x FROM m WHERE \"home\" =~ /^(a\\.1|b\\/2)$/ AND time >= now() - 7d and time <= now() GROUP BY time(10m)",
            GrafanaMacros.Expand("SELECT x FROM m WHERE \"home\" =~ /^$home$/ AND $timeFilter GROUP BY time($__interval)", range, range.Interval(TimeSpan.FromMinutes(1)), variables));
        Assert.Equal("a.1", GrafanaMacros.Interpolate(single, ["a.1"]));
        Assert.Equal(
            "time >= 1699395200000ms and time <= 1700000000000ms",
            GrafanaRange.Absolute(DateTimeOffset.FromUnixTimeMilliseconds(1_699_395_200_000), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)).TimeFilter);
    }

    private static void CheckDatasource(JsonNode? datasource, string where, List<string> problems)
    {
        if ((string?)datasource?["uid"] != GrafanaFiles.DatasourceUid || (string?)datasource?["type"] != "influxdb")
        {
            problems.Add($"{where}: datasource is not {{type: influxdb, uid: {GrafanaFiles.DatasourceUid}}}");
        }
    }
}
