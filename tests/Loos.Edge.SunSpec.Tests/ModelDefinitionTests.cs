using System.Text.Json;
using Loos.Edge.Testing;

namespace Loos.Edge.SunSpec.Tests;

/// <summary>The model definitions written here, compared field by field with the SunSpec model tables of the corpus.</summary>
public sealed class ModelDefinitionTests
{
    // The corpus copy of model 111 spells its St symbols "ggOFF", "ggSLEEPING"... while models 101–103 and 112–113
    // spell them OFF, SLEEPING...; the definitions here use the spelling of the specification's other inverter models.
    private static readonly Dictionary<(int Model, string Point), string> KnownCorpusTypos = new()
    {
        [(111, "St")] = "symbols prefixed 'gg' in the corpus",
    };

    public static TheoryData<int> DefinedModels() => new(SunSpecModels.All.Keys.Order());

    [Fact]
    public void All_IssueModels_AreDefined()
    {
        int[] required = [1, 101, 102, 103, 111, 112, 113, 120, 121, 122, 123, 124, 160, .. Enumerable.Range(701, 14)];
        var missing = required.Where(id => !SunSpecModels.All.ContainsKey(id)).ToList();
        Assert.True(missing.Count == 0, $"models not defined: {string.Join(", ", missing)}");
    }

    [Theory]
    [CorpusMemberData(Corpus.ModelsFolder, nameof(DefinedModels))]
    public void Definition_ComparedWithCorpusModel_MatchesEveryPointAndGroup(int id)
    {
        var path = Path.Combine(Corpus.Models, $"model_{id}.json");
        Assert.True(File.Exists(path), $"{path} is missing from the corpus");

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var definition = SunSpecModels.All[id];
        var mismatches = new List<string>();
        Assert.Equal(root.GetProperty("id").GetInt32(), definition.Id);
        CompareGroup(id, root.GetProperty("group"), definition.Group, $"model {id}", mismatches);
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    private static void CompareGroup(int id, JsonElement expected, SunSpecGroupDefinition actual, string where, List<string> mismatches)
    {
        Check(mismatches, where, "group name", expected.GetProperty("name").GetString(), actual.Name);
        var expectedCount = expected.TryGetProperty("count", out var count)
            ? count.ValueKind == JsonValueKind.Number
                ? count.GetInt32() == 0 ? SunSpecGroupCount.FillModel : throw new InvalidDataException($"{where}: numeric count {count}")
                : new SunSpecGroupCount(SunSpecGroupCountKind.FromPoint, count.GetString())
            : SunSpecGroupCount.Once;
        Check(mismatches, where, "count", expectedCount.ToString(), actual.Count.ToString());

        var points = expected.GetProperty("points").EnumerateArray().ToList();
        Check(mismatches, where, "number of points", points.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), actual.Points.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var offset = 0;
        for (var index = 0; index < Math.Min(points.Count, actual.Points.Count); index++)
        {
            var point = points[index];
            var mine = actual.Points[index];
            var name = point.GetProperty("name").GetString()!;
            var at = $"{where}, point {name}";
            var size = point.GetProperty("size").GetInt32();
            Check(mismatches, at, "name", name, mine.Name);
            Check(mismatches, at, "offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture), mine.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Check(mismatches, at, "size", size.ToString(System.Globalization.CultureInfo.InvariantCulture), mine.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Check(mismatches, at, "type", point.GetProperty("type").GetString(), SunSpecPointTypes.Name(mine.Type));
            Check(mismatches, at, "sf", point.TryGetProperty("sf", out var sf) ? sf.ToString() : null, mine.ScaleFactor);
            Check(mismatches, at, "units", point.TryGetProperty("units", out var units) ? units.GetString() : null, mine.Units);
            var symbols = point.TryGetProperty("symbols", out var list)
                ? string.Join(' ', list.EnumerateArray().Select(symbol => $"{symbol.GetProperty("name").GetString()}={symbol.GetProperty("value").GetInt64()}"))
                : string.Empty;
            var mySymbols = string.Join(' ', mine.Symbols.Select(symbol => $"{symbol.Name}={symbol.Value}"));
            if (symbols != mySymbols && !KnownCorpusTypos.ContainsKey((id, name)))
            {
                mismatches.Add($"{at}: symbols differ: corpus '{symbols}', here '{mySymbols}'");
            }

            offset += size;
        }

        var groups = expected.TryGetProperty("groups", out var nested) ? nested.EnumerateArray().ToList() : [];
        Check(mismatches, where, "number of groups", groups.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), actual.Groups.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (var index = 0; index < Math.Min(groups.Count, actual.Groups.Count); index++)
        {
            CompareGroup(id, groups[index], actual.Groups[index], $"{where}, group {actual.Groups[index].Name}", mismatches);
        }
    }

    private static void Check(List<string> mismatches, string where, string field, string? expected, string? actual)
    {
        if (expected != actual)
        {
            mismatches.Add($"{where}: {field} is '{actual}' here, '{expected}' in the corpus");
        }
    }
}
