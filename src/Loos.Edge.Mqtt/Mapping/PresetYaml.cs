using System.Text;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>A node of a preset file: a scalar, a sequence or a mapping, with the line it starts on.</summary>
internal sealed class YamlNode
{
    public YamlNode(int line, string? scalar = null, List<YamlNode>? items = null, List<KeyValuePair<string, YamlNode>>? entries = null)
    {
        Line = line;
        Scalar = scalar;
        Items = items;
        Entries = entries;
    }

    /// <summary>The 1-based line in the file.</summary>
    public int Line { get; }

    /// <summary>The text of a scalar; null for a collection, or for a key with no value.</summary>
    public string? Scalar { get; }

    public List<YamlNode>? Items { get; }

    public List<KeyValuePair<string, YamlNode>>? Entries { get; }
}

/// <summary>
/// Reads the part of YAML 1.2 that preset files are written in: block mappings and sequences by indentation, flow
/// mappings <c>{ a: 1 }</c> and sequences <c>[a, b]</c>, plain, single- and double-quoted scalars, <c># comments</c>.
/// Anchors, tags, multi-document files and block scalars (<c>|</c>, <c>&gt;</c>) are rejected with their line.
/// </summary>
/// <remarks>The MQTT source has no YAML library of its own; presets need no more than this.</remarks>
internal static class PresetYaml
{
    /// <summary>Parses <paramref name="text"/>; null with <paramref name="problem"/> (<c>line N: …</c>) when it is not in the supported YAML.</summary>
    public static YamlNode? TryParse(string text, out string? problem)
    {
        var lines = new List<SourceLine>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = StripComment(raw.TrimEnd('\r'));
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var indent = 0;
            while (indent < line.Length && line[indent] == ' ')
            {
                indent++;
            }

            if (line[indent] == '\t')
            {
                problem = $"line {number}: tabs cannot indent YAML";
                return null;
            }

            var content = line[indent..].TrimEnd();
            if (content is "---" or "...")
            {
                continue;
            }

            if (content[0] is '&' or '*' or '!' or '|' or '>' or '%' or '@' or '`')
            {
                problem = $"line {number}: '{content[0]}' (anchors, tags, block scalars) is not supported in preset files";
                return null;
            }

            lines.Add(new SourceLine(number, indent, content));
        }

        if (lines.Count == 0)
        {
            problem = "the file is empty";
            return null;
        }

        try
        {
            var reader = new Reader(lines);
            var root = reader.ParseBlock(lines[0].Indent);
            if (reader.Position < lines.Count)
            {
                throw new PresetYamlException(lines[reader.Position].Number, "unexpected indentation");
            }

            problem = null;
            return root;
        }
        catch (PresetYamlException exception)
        {
            // Only when a preset file is read at start; the per-message path never reaches this reader.
            problem = $"line {exception.Line}: {exception.Message}";
            return null;
        }
    }

    private static string StripComment(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else if (c == '\\' && open == '"')
                {
                    i++;
                }
            }
            else if (c is '\'' or '"' && (i == 0 || line[i - 1] is ' ' or '{' or '[' or ',' or ':' or '-'))
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || line[i - 1] == ' '))
            {
                return line[..i];
            }
        }

        return line;
    }

    private readonly record struct SourceLine(int Number, int Indent, string Content);

    private sealed class Reader(List<SourceLine> lines)
    {
        public int Position { get; private set; }

        public YamlNode ParseBlock(int indent)
        {
            var line = lines[Position];
            return IsSequenceItem(line.Content) ? ParseSequence(indent) : ParseMapping(indent, line.Content);
        }

        private YamlNode ParseMapping(int indent, string firstContent)
        {
            var entries = new List<KeyValuePair<string, YamlNode>>();
            var start = lines[Position].Number;
            var content = firstContent;
            while (true)
            {
                var line = lines[Position];
                var colon = FindMappingColon(content);
                if (colon < 0)
                {
                    throw new PresetYamlException(line.Number, $"expected 'key: value', found '{content}'");
                }

                var key = Unquote(content[..colon].Trim(), line.Number);
                foreach (var entry in entries)
                {
                    if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new PresetYamlException(line.Number, $"key '{key}' is given twice");
                    }
                }

                var rest = content[(colon + 1)..].Trim();
                Position++;
                YamlNode value;
                if (rest.Length > 0)
                {
                    value = ParseInline(rest, line.Number);
                }
                else if (Position < lines.Count && lines[Position].Indent > indent)
                {
                    value = ParseBlock(lines[Position].Indent);
                }
                else if (Position < lines.Count && lines[Position].Indent == indent && IsSequenceItem(lines[Position].Content))
                {
                    value = ParseSequence(indent);
                }
                else
                {
                    value = new YamlNode(line.Number);
                }

                entries.Add(new(key, value));
                if (Position >= lines.Count || lines[Position].Indent < indent)
                {
                    break;
                }

                if (lines[Position].Indent > indent)
                {
                    throw new PresetYamlException(lines[Position].Number, "unexpected indentation");
                }

                content = lines[Position].Content;
                if (IsSequenceItem(content))
                {
                    break;
                }
            }

            return new YamlNode(start, entries: entries);
        }

        private YamlNode ParseSequence(int indent)
        {
            var items = new List<YamlNode>();
            var start = lines[Position].Number;
            while (Position < lines.Count && lines[Position].Indent == indent && IsSequenceItem(lines[Position].Content))
            {
                var line = lines[Position];
                var rest = line.Content[1..].TrimStart();
                if (rest.Length == 0)
                {
                    Position++;
                    if (Position >= lines.Count || lines[Position].Indent <= indent)
                    {
                        items.Add(new YamlNode(line.Number));
                        continue;
                    }

                    items.Add(ParseBlock(lines[Position].Indent));
                }
                else if (rest[0] is not ('{' or '[' or '"' or '\'') && FindMappingColon(rest) >= 0)
                {
                    // "- key: value" opens a mapping whose further keys are indented to the first key's column.
                    var column = indent + (line.Content.Length - rest.Length);
                    lines[Position] = line with { Indent = column, Content = rest };
                    items.Add(ParseMapping(column, rest));
                }
                else
                {
                    items.Add(ParseInline(rest, line.Number));
                    Position++;
                }
            }

            if (Position < lines.Count && lines[Position].Indent > indent)
            {
                throw new PresetYamlException(lines[Position].Number, "unexpected indentation");
            }

            return new YamlNode(start, items: items);
        }

        private static bool IsSequenceItem(string content) => content == "-" || content.StartsWith("- ", StringComparison.Ordinal);

        // The colon that ends a key: followed by a space or the end of the line, outside quotes.
        private static int FindMappingColon(string content)
        {
            char? quote = null;
            for (var i = 0; i < content.Length; i++)
            {
                var c = content[i];
                if (quote is { } open)
                {
                    if (c == open)
                    {
                        quote = null;
                    }

                    continue;
                }

                if (c is '\'' or '"' && i == 0)
                {
                    quote = c;
                }
                else if (c == ':' && (i + 1 == content.Length || content[i + 1] == ' '))
                {
                    return i;
                }
            }

            return -1;
        }

        private static YamlNode ParseInline(string text, int line)
        {
            var position = 0;
            var node = ParseFlowValue(text, ref position, line, inFlow: false);
            SkipSpaces(text, ref position);
            if (position < text.Length)
            {
                throw new PresetYamlException(line, $"unexpected '{text[position..]}'");
            }

            return node;
        }

        private static YamlNode ParseFlowValue(string text, ref int position, int line, bool inFlow)
        {
            SkipSpaces(text, ref position);
            if (position >= text.Length)
            {
                return new YamlNode(line, scalar: string.Empty);
            }

            var c = text[position];
            if (c is '&' or '*' or '!' or '|' or '>' or '%' or '@' or '`')
            {
                throw new PresetYamlException(line, $"'{c}' (anchors, tags, block scalars) is not supported in preset files");
            }

            if (c == '{')
            {
                position++;
                var entries = new List<KeyValuePair<string, YamlNode>>();
                while (true)
                {
                    SkipSpaces(text, ref position);
                    if (position < text.Length && text[position] == '}')
                    {
                        position++;
                        return new YamlNode(line, entries: entries);
                    }

                    var key = ParseFlowScalar(text, ref position, line, stopAtColon: true);
                    SkipSpaces(text, ref position);
                    if (position >= text.Length || text[position] != ':')
                    {
                        throw new PresetYamlException(line, $"expected ':' after '{key}' in a flow mapping");
                    }

                    position++;
                    entries.Add(new(key, ParseFlowValue(text, ref position, line, inFlow: true)));
                    SkipSpaces(text, ref position);
                    if (position < text.Length && text[position] == ',')
                    {
                        position++;
                    }
                    else if (position >= text.Length || text[position] != '}')
                    {
                        throw new PresetYamlException(line, "expected ',' or '}' in a flow mapping");
                    }
                }
            }

            if (c == '[')
            {
                position++;
                var items = new List<YamlNode>();
                while (true)
                {
                    SkipSpaces(text, ref position);
                    if (position < text.Length && text[position] == ']')
                    {
                        position++;
                        return new YamlNode(line, items: items);
                    }

                    items.Add(ParseFlowValue(text, ref position, line, inFlow: true));
                    SkipSpaces(text, ref position);
                    if (position < text.Length && text[position] == ',')
                    {
                        position++;
                    }
                    else if (position >= text.Length || text[position] != ']')
                    {
                        throw new PresetYamlException(line, "expected ',' or ']' in a flow sequence");
                    }
                }
            }

            if (!inFlow && c is not ('"' or '\''))
            {
                // A block scalar value runs to the end of the line.
                var plain = text[position..].Trim();
                position = text.Length;
                return new YamlNode(line, scalar: plain);
            }

            return new YamlNode(line, scalar: ParseFlowScalar(text, ref position, line, stopAtColon: false));
        }

        private static string ParseFlowScalar(string text, ref int position, int line, bool stopAtColon)
        {
            SkipSpaces(text, ref position);
            if (position < text.Length && text[position] is '"' or '\'')
            {
                var quote = text[position];
                var value = new StringBuilder();
                position++;
                while (true)
                {
                    if (position >= text.Length)
                    {
                        throw new PresetYamlException(line, "unterminated quoted string");
                    }

                    var c = text[position++];
                    if (c == quote)
                    {
                        if (quote == '\'' && position < text.Length && text[position] == '\'')
                        {
                            value.Append('\'');
                            position++;
                            continue;
                        }

                        return value.ToString();
                    }

                    if (c == '\\' && quote == '"' && position < text.Length)
                    {
                        var escaped = text[position++];
                        value.Append(escaped switch
                        {
                            'n' => '\n',
                            't' => '\t',
                            _ => escaped,
                        });
                        continue;
                    }

                    value.Append(c);
                }
            }

            var start = position;
            while (position < text.Length)
            {
                var c = text[position];
                if (c is ',' or '}' or ']')
                {
                    break;
                }

                if (stopAtColon && c == ':' && (position + 1 == text.Length || text[position + 1] is ' ' or ',' or '}'))
                {
                    break;
                }

                position++;
            }

            return text[start..position].Trim();
        }

        private static string Unquote(string key, int line)
        {
            if (key.Length > 0 && key[0] is '"' or '\'')
            {
                var position = 0;
                return ParseFlowScalar(key, ref position, line, stopAtColon: false);
            }

            return key;
        }

        private static void SkipSpaces(string text, ref int position)
        {
            while (position < text.Length && text[position] == ' ')
            {
                position++;
            }
        }
    }

    private sealed class PresetYamlException(int line, string message) : Exception(message)
    {
        public int Line { get; } = line;
    }
}
