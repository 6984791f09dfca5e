using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;

namespace Loos.Edge.SunSpec;

/// <summary>
/// The SunSpec models this gateway decodes: 1, 11, 12, 101–103, 111–113, 120–124, 126–132, 160 and 701–714, written from
/// the SunSpec Information Model Specification and its model tables (embedded resource <c>Models/sunspec-models.txt</c>).
/// </summary>
public static class SunSpecModels
{
    private static readonly Lazy<FrozenDictionary<int, SunSpecModelDefinition>> Definitions = new(Load);

    /// <summary>Every defined model, by id.</summary>
    public static IReadOnlyDictionary<int, SunSpecModelDefinition> All => Definitions.Value;

    /// <summary>The definition of model <paramref name="id"/>; false for models not defined here (vendor models).</summary>
    public static bool TryGet(int id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SunSpecModelDefinition? definition) =>
        Definitions.Value.TryGetValue(id, out definition);

    private static FrozenDictionary<int, SunSpecModelDefinition> Load()
    {
        using var stream = typeof(SunSpecModels).Assembly.GetManifestResourceStream("Loos.Edge.SunSpec.Models.sunspec-models.txt")
            ?? throw new InvalidOperationException("The SunSpec model definitions are missing from the assembly.");
        using var reader = new StreamReader(stream);
        return SunSpecModelText.Parse(reader.ReadToEnd()).ToFrozenDictionary(model => model.Id);
    }
}

/// <summary>Reads the model definition text (format described at the top of <c>sunspec-models.txt</c>).</summary>
internal static class SunSpecModelText
{
    public static List<SunSpecModelDefinition> Parse(string text)
    {
        var lines = ExpandRepeats(text);
        var models = new List<SunSpecModelDefinition>();
        var byId = new Dictionary<int, SunSpecModelDefinition>();
        var stack = new Stack<GroupBuilder>();
        (int Id, string Name)? current = null;

        void Finish()
        {
            if (current is { } model && stack.Count > 0)
            {
                if (stack.Count != 1)
                {
                    throw new FormatException($"model {model.Id}: a group is not closed with 'end'");
                }

                var definition = new SunSpecModelDefinition(model.Id, model.Name, stack.Pop().Build());
                models.Add(definition);
                byId[model.Id] = definition;
            }

            stack.Clear();
            current = null;
        }

        foreach (var (number, line) in lines)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words[0])
            {
                case "model":
                    Finish();
                    var id = int.Parse(words[1], CultureInfo.InvariantCulture);
                    if (words.Length == 5 && words[3] == "like")
                    {
                        var template = byId[int.Parse(words[4], CultureInfo.InvariantCulture)];
                        var copy = new SunSpecModelDefinition(id, words[2], template.Group with { Name = words[2] });
                        models.Add(copy);
                        byId[id] = copy;
                        break;
                    }

                    current = (id, words[2]);
                    var top = new GroupBuilder(words[2], SunSpecGroupCount.Once);

                    // Every model starts with its id and its length (SunSpec Information Model Specification §4.2).
                    top.Add(new PointLine("ID", SunSpecPointType.UInt16, 1, null, null, []));
                    top.Add(new PointLine("L", SunSpecPointType.UInt16, 1, null, null, []));
                    stack.Push(top);
                    break;
                case "group":
                    var count = SunSpecGroupCount.Once;
                    if (words.Length > 2 && words[2].StartsWith("count=", StringComparison.Ordinal))
                    {
                        var source = words[2]["count=".Length..];
                        count = source == "0" ? SunSpecGroupCount.FillModel : new SunSpecGroupCount(SunSpecGroupCountKind.FromPoint, source);
                    }

                    stack.Push(new GroupBuilder(words[1], count));
                    break;
                case "end":
                    var closed = stack.Pop();
                    if (stack.Count == 0)
                    {
                        throw new FormatException($"line {number}: 'end' without a group");
                    }

                    stack.Peek().Groups.Add(closed.Build());
                    break;
                default:
                    if (stack.Count == 0)
                    {
                        throw new FormatException($"line {number}: a point outside a model");
                    }

                    stack.Peek().Add(ParsePoint(number, line));
                    break;
            }
        }

        Finish();
        return models;
    }

    private static List<(int Number, string Line)> ExpandRepeats(string text)
    {
        var result = new List<(int, string)>();
        var raw = text.Split('\n');
        for (var index = 0; index < raw.Length; index++)
        {
            var line = raw[index].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("repeat ", StringComparison.Ordinal))
            {
                var times = int.Parse(line["repeat ".Length..], CultureInfo.InvariantCulture);
                var body = new List<string>();
                while (raw[++index].Trim() is var inner && inner != "end")
                {
                    body.Add(inner);
                }

                for (var repetition = 1; repetition <= times; repetition++)
                {
                    foreach (var inner in body)
                    {
                        result.Add((index + 1, inner.Replace("#", repetition.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)));
                    }
                }

                continue;
            }

            result.Add((index + 1, line));
        }

        return result;
    }

    private static PointLine ParsePoint(int number, string line)
    {
        var separator = line.IndexOf(" : ", StringComparison.Ordinal);
        var head = separator < 0 ? line : line[..separator];
        string? units = null;
        var unitsAt = head.IndexOf(" u=", StringComparison.Ordinal);
        if (unitsAt >= 0)
        {
            units = head[(unitsAt + " u=".Length)..];
            head = head[..unitsAt];
        }

        var words = head.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2 || !SunSpecPointTypes.TryParse(words[1], out var type))
        {
            throw new FormatException($"line {number}: '{line}' is not '<name> <type> ...'");
        }

        var size = SunSpecPointTypes.Size(type);
        string? scaleFactor = null;
        foreach (var word in words.AsSpan(2))
        {
            if (word.StartsWith("sf=", StringComparison.Ordinal))
            {
                scaleFactor = word["sf=".Length..];
            }
            else
            {
                size = int.Parse(word, CultureInfo.InvariantCulture);
            }
        }

        if (size <= 0)
        {
            throw new FormatException($"line {number}: point {words[0]} needs a size");
        }

        var symbols = new List<SunSpecSymbol>();
        if (separator >= 0)
        {
            long next = 0;
            foreach (var symbol in line[(separator + 3)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = symbol.LastIndexOf('=');
                var value = equals < 0 ? next : long.Parse(symbol[(equals + 1)..], CultureInfo.InvariantCulture);
                symbols.Add(new SunSpecSymbol(equals < 0 ? symbol : symbol[..equals], value));
                next = value + 1;
            }
        }

        return new PointLine(words[0], type, size, scaleFactor, units, symbols);
    }

    private sealed record PointLine(string Name, SunSpecPointType Type, int Size, string? ScaleFactor, string? Units, List<SunSpecSymbol> Symbols);

    private sealed class GroupBuilder(string name, SunSpecGroupCount count)
    {
        private readonly List<SunSpecPointDefinition> points = [];
        private int offset;

        public List<SunSpecGroupDefinition> Groups { get; } = [];

        public void Add(PointLine point)
        {
            if (Groups.Count > 0)
            {
                throw new FormatException($"group {name}: point {point.Name} after a nested group");
            }

            points.Add(new SunSpecPointDefinition(point.Name, offset, point.Size, point.Type, point.ScaleFactor, point.Units, point.Symbols));
            offset += point.Size;
        }

        public SunSpecGroupDefinition Build() => new(name, count, points, Groups);
    }
}
