using System.Globalization;
using System.Text.Json;

namespace Loos.Edge.SunSpec.Tests;

/// <summary>
/// Compares <c>sunspec read --json</c> output with the <c>expected</c> values of a corpus dump (format in
/// <c>sunspec/devices/README.md</c>): numbers within the 3 printed decimals, enums and strings exactly, bitfields as
/// sets of symbol names, <c>[]</c> as not implemented (or no bit set).
/// </summary>
internal sealed class ExpectedValues
{
    public int Matched { get; private set; }

    public List<string> Mismatches { get; } = [];

    /// <summary>Differences the corpus README itself documents (where its two sources disagree), with why.</summary>
    public List<string> Documented { get; } = [];

    public int Total => Matched + Mismatches.Count + Documented.Count;

    public static ExpectedValues Compare(JsonElement expected, JsonElement output, bool chainEnded)
    {
        var result = new ExpectedValues();
        var models = output.GetProperty("models").EnumerateArray().ToList();
        foreach (var block in expected.EnumerateObject())
        {
            switch (block.Name)
            {
                case "SunSpec Header":
                    result.Count(models.Count > 0, "SunSpec Header: no SunS marker found");
                    continue;
                case "SunSpec EndOfChain Model":
                    foreach (var _ in block.Value.EnumerateObject())
                    {
                        result.Count(chainEnded, "end model: the chain was not read to its end");
                    }

                    continue;
            }

            var id = int.Parse(block.Name["Model ".Length..], CultureInfo.InvariantCulture);
            var model = models.FirstOrDefault(candidate => candidate.GetProperty("id").GetInt32() == id);
            if (model.ValueKind == JsonValueKind.Undefined)
            {
                foreach (var point in block.Value.EnumerateObject())
                {
                    result.Mismatches.Add($"model {id} not in the output ({point.Name})");
                }

                continue;
            }

            var flat = new Dictionary<string, (JsonElement Value, SunSpecPointDefinition? Point)>(StringComparer.Ordinal);
            if (SunSpecModels.TryGet(id, out var definition))
            {
                Flatten(model.GetProperty("points"), definition.Group, string.Empty, flat);
            }

            foreach (var point in block.Value.EnumerateObject())
            {
                var values = point.Value.EnumerateArray().Select(value => value.GetString()!).ToArray();
                var where = $"model {id} {point.Name}";
                if (definition is null)
                {
                    result.CompareRaw(model, point.Name, values, where);
                    continue;
                }

                if (!flat.TryGetValue(point.Name, out var actual))
                {
                    result.Mismatches.Add($"{where}: missing from the output, expected [{string.Join(", ", values)}]");
                    continue;
                }

                result.ComparePoint(id, point.Name, actual.Point!, actual.Value, values, where, ScaleFactorOf(actual.Point!, flat));
            }
        }

        return result;
    }

    public string Summary(string name) => string.Create(
        CultureInfo.InvariantCulture,
        $"{name}: {Matched}/{Total} points match ({100.0 * Matched / Math.Max(1, Total - Documented.Count):F1} % of the comparable ones), {Documented.Count} documented source disagreements, {Mismatches.Count} mismatches");

    private static void Flatten(JsonElement points, SunSpecGroupDefinition group, string prefix, Dictionary<string, (JsonElement, SunSpecPointDefinition?)> flat)
    {
        foreach (var property in points.EnumerateObject())
        {
            var child = group.Groups.FirstOrDefault(candidate => candidate.Name == property.Name);
            if (child is null)
            {
                flat[prefix + property.Name] = (property.Value, group.Points.FirstOrDefault(point => point.Name == property.Name));
                continue;
            }

            // The corpus names group occurrences with a capital first letter: Module_0_DCA, Crv_0_MustTrip_Pt_1_V.
            var name = char.ToUpperInvariant(child.Name[0]) + child.Name[1..];
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var instance in property.Value.EnumerateArray())
                {
                    Flatten(instance, child, $"{prefix}{name}_{index++}_", flat);
                }
            }
            else
            {
                Flatten(property.Value, child, $"{prefix}{name}_", flat);
            }
        }
    }

    private void Count(bool matched, string mismatch)
    {
        if (matched)
        {
            Matched++;
        }
        else
        {
            Mismatches.Add(mismatch);
        }
    }

    private static int ScaleFactorOf(SunSpecPointDefinition point, Dictionary<string, (JsonElement Value, SunSpecPointDefinition? Point)> flat) =>
        point.ScaleFactor is { } name && flat.TryGetValue(name, out var factor) && factor.Value.ValueKind == JsonValueKind.Number
            ? factor.Value.GetInt32()
            : 0;

    private void ComparePoint(int id, string name, SunSpecPointDefinition point, JsonElement actual, string[] expected, string where, int scaleFactor)
    {
        var shown = actual.ToString();
        if (point.Type == SunSpecPointType.Pad)
        {
            Documented.Add($"{where}: pad register, [] or [\"0\"] in the corpus, no value here (README: 'pad registers')");
            return;
        }

        var matched = actual.ValueKind switch
        {
            JsonValueKind.Null => expected.Length == 0 || (point.Type == SunSpecPointType.String && expected is [""]),
            JsonValueKind.Number => expected.Length == 1
                && double.TryParse(expected[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && Math.Abs(actual.GetDouble() - number) <= 0.0005 + (1e-9 * Math.Abs(number)),
            JsonValueKind.String => expected.Length == 1 && expected[0] == actual.GetString(),
            JsonValueKind.Array => actual.EnumerateArray().Select(item => item.GetString()!).Order(StringComparer.Ordinal)
                .SequenceEqual(expected.Order(StringComparer.Ordinal), StringComparer.Ordinal),
            _ => false,
        };
        if (matched)
        {
            Matched++;
        }
        else if (point.Type == SunSpecPointType.UInt16 && expected.Length == 0 && actual.ValueKind == JsonValueKind.Number
            && Math.Abs((actual.GetDouble() / Math.Pow(10, scaleFactor)) - 0x8000) < 1e-6)
        {
            Documented.Add($"{where}: raw 0x8000 is {shown} here; the corpus generator also takes 0x8000 as not implemented for uint16, the SunSpec rule only 0xFFFF (README: 'the uint16 0x8000 rule')");
        }
        else if (id == 122 && name == "ECPConn")
        {
            Documented.Add($"{where}: here {shown}, corpus [{string.Join(", ", expected)}]: ECPConn is a bitfield16 whose bit 0 is DISCONNECTED in the SunSpec tables; modbus-schema reads it as an enum (README: model 122 ECPConn)");
        }
        else
        {
            Mismatches.Add($"{where}: here {shown}, expected [{string.Join(", ", expected)}]");
        }
    }

    private void CompareRaw(JsonElement model, string name, string[] expected, string where)
    {
        if (name is "ID" or "L")
        {
            var value = name == "ID" ? model.GetProperty("id").GetInt32() : model.GetProperty("length").GetInt32();
            Count(expected is [var text] && text == value.ToString(CultureInfo.InvariantCulture), $"{where}: here {value}, expected [{string.Join(", ", expected)}]");
            return;
        }

        // An undecoded model is shown as its raw registers; the corpus lists them as bytes "0x00 0x12 ...".
        var bytes = model.TryGetProperty("registers", out var registers)
            ? string.Join(' ', registers.EnumerateArray().SelectMany(register => new[] { register.GetInt32() >> 8, register.GetInt32() & 0xFF }).Select(value => $"0x{value:X2}"))
            : "(no registers)";
        Count(expected is [var raw] && string.Equals(raw, bytes, StringComparison.OrdinalIgnoreCase), $"{where}: raw registers differ");
    }
}
