using System.Text.Json.Nodes;
using Loos.Edge.Testing;
using YamlDotNet.RepresentationModel;

namespace Loos.Edge.Grafana.Tests;

/// <summary>One query of a board: its panel (or variable) and the InfluxQL it holds.</summary>
/// <param name="Board">The board's file name.</param>
/// <param name="Panel">The panel, for the panel's own time overrides and description.</param>
/// <param name="Target">The target object as written.</param>
public sealed record BoardTarget(string Board, JsonObject Panel, JsonObject Target)
{
    public string Query => (string?)Target["query"] ?? string.Empty;

    public string RefId => (string?)Target["refId"] ?? "?";

    public string Where => $"{Board}: panel {(int?)Panel["id"]} \"{(string?)Panel["title"]}\" target {RefId}";
}

/// <summary>A query of a file-provisioned alert rule, with the range it is evaluated over.</summary>
public sealed record AlertQuery(string RuleUid, string RefId, string DatasourceUid, bool RawQuery, string Query, TimeSpan Range)
{
    public string Where => $"alert rule {RuleUid} query {RefId}";
}

/// <summary>The boards and provisioning files under <c>firmware-config/grafana/</c>, as Grafana reads them.</summary>
public static class GrafanaFiles
{
    /// <summary>The datasource uid every board and rule must name.</summary>
    public const string DatasourceUid = "loos-edge-influxdb";

    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "firmware-config", "grafana");

    public static string DashboardsFolder => Path.Combine(Folder, "dashboards");

    public static string ProvisioningFolder => Path.Combine(Folder, "provisioning");

    /// <summary>Every board, by file name.</summary>
    public static IReadOnlyList<(string File, JsonObject Board)> Boards { get; } =
        [.. Directory.GetFiles(DashboardsFolder, "*.json").Order(StringComparer.Ordinal)
            .Select(path => (Path.GetFileName(path), JsonNode.Parse(File.ReadAllText(path))!.AsObject()))];

    /// <summary>The panels of a board, those inside rows too.</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject board)
    {
        foreach (var panel in board["panels"]!.AsArray().Select(p => p!.AsObject()))
        {
            yield return panel;
            foreach (var inner in panel["panels"]?.AsArray().Select(p => p!.AsObject()) ?? [])
            {
                yield return inner;
            }
        }
    }

    public static IEnumerable<BoardTarget> Targets(string file, JsonObject board) =>
        Panels(board).SelectMany(panel => (panel["targets"]?.AsArray() ?? []).Select(t => new BoardTarget(file, panel, t!.AsObject())));

    public static IReadOnlyList<JsonObject> Variables(JsonObject board) =>
        [.. board["templating"]?["list"]?.AsArray().Select(v => v!.AsObject()) ?? []];

    /// <summary>A provisioning file parsed as YAML, with Grafana's <c>$NAME</c>/<c>${NAME}</c> replaced from <paramref name="environment"/>.</summary>
    public static YamlMappingNode Provisioning(string relativePath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var text = File.ReadAllText(Path.Combine(ProvisioningFolder, relativePath));
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                text = text.Replace("${" + name + "}", value, StringComparison.Ordinal);
            }
        }

        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    /// <summary>The queries of every file-provisioned alert rule.</summary>
    public static IReadOnlyList<AlertQuery> AlertQueries()
    {
        var queries = new List<AlertQuery>();
        foreach (var file in Directory.GetFiles(Path.Combine(ProvisioningFolder, "alerting"), "*.yaml"))
        {
            var root = Provisioning(Path.Combine("alerting", Path.GetFileName(file)));
            foreach (var group in Sequence(root, "groups"))
            {
                foreach (var rule in Sequence(group, "rules"))
                {
                    foreach (var data in Sequence(rule, "data"))
                    {
                        var datasource = Scalar(data, "datasourceUid");
                        if (datasource == "__expr__")
                        {
                            continue;
                        }

                        var model = (YamlMappingNode)data["model"];
                        var range = (YamlMappingNode)data["relativeTimeRange"];
                        queries.Add(new AlertQuery(
                            Scalar(rule, "uid"),
                            Scalar(data, "refId"),
                            datasource,
                            Scalar(model, "rawQuery") == "true",
                            Scalar(model, "query"),
                            TimeSpan.FromSeconds(int.Parse(Scalar(range, "from"), System.Globalization.CultureInfo.InvariantCulture) - int.Parse(Scalar(range, "to"), System.Globalization.CultureInfo.InvariantCulture))));
                    }
                }
            }
        }

        return queries;
    }

    public static IEnumerable<YamlMappingNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlSequenceNode)value).Children.Cast<YamlMappingNode>() : [];

    public static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value ?? string.Empty : string.Empty;
}
