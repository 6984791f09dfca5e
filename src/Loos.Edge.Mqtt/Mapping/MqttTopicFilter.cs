using System.Text;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>
/// A subscription's topic filter (MQTT 5.0 §4.7, the same in 3.1.1 §4.7), compiled once into its levels and matched
/// against topic names without allocating. Named levels <c>{tag}</c> match like <c>+</c> and name a tag.
/// </summary>
internal sealed class MqttTopicFilter
{
    // MQTT 5.0 §1.5.4: a UTF-8 encoded string is at most 65 535 bytes.
    private const int MaxFilterBytes = 65_535;

    private readonly Level[] levels;

    private MqttTopicFilter(string pattern, string filter, Level[] levels, TopicTag[] tags)
    {
        Pattern = pattern;
        Filter = filter;
        this.levels = levels;
        Tags = tags;
    }

    /// <summary>The filter as written in the site file, named levels included.</summary>
    public string Pattern { get; }

    /// <summary>The filter to subscribe with: named levels become <c>+</c>.</summary>
    public string Filter { get; }

    /// <summary>The tags taken from topic levels, in the order of their levels.</summary>
    public IReadOnlyList<TopicTag> Tags { get; }

    /// <summary>Compiles <paramref name="pattern"/>, or returns null with what is wrong with it.</summary>
    public static MqttTopicFilter? TryParse(string? pattern, out string? problem)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            // §4.7.3: a topic filter is at least one character long.
            problem = "a topic filter is required";
            return null;
        }

        if (Encoding.UTF8.GetByteCount(pattern) > MaxFilterBytes)
        {
            problem = "longer than the 65535 bytes MQTT allows";
            return null;
        }

        if (pattern.Contains('\0', StringComparison.Ordinal))
        {
            // §4.7.3: a topic filter must not contain the null character.
            problem = "contains the null character";
            return null;
        }

        var texts = pattern.Split('/');
        var levels = new Level[texts.Length];
        var tags = new List<TopicTag>();
        var filter = new StringBuilder(pattern.Length);
        for (var i = 0; i < texts.Length; i++)
        {
            var text = texts[i];
            if (i > 0)
            {
                filter.Append('/');
            }

            if (text == "#")
            {
                // §4.7.1.2: the multi-level wildcard is the last character of the filter and a level of its own.
                if (i != texts.Length - 1)
                {
                    problem = $"'#' must be the last level of '{pattern}'";
                    return null;
                }

                levels[i] = new Level(LevelKind.MultiLevel, text);
                filter.Append('#');
                continue;
            }

            if (text == "+")
            {
                levels[i] = new Level(LevelKind.SingleLevel, text);
                filter.Append('+');
                continue;
            }

            if (text.Length >= 2 && text[0] == '{' && text[^1] == '}')
            {
                var tag = text[1..^1];
                if (tag.Length == 0 || tag.AsSpan().IndexOfAny("{}+#") >= 0)
                {
                    problem = $"level {i} '{text}' is not a tag name in braces";
                    return null;
                }

                foreach (var known in tags)
                {
                    if (known.Tag == tag)
                    {
                        problem = $"tag '{tag}' is named by two levels";
                        return null;
                    }
                }

                tags.Add(new TopicTag(tag, i));
                levels[i] = new Level(LevelKind.SingleLevel, text);
                filter.Append('+');
                continue;
            }

            if (text.Contains('#', StringComparison.Ordinal) || text.Contains('+', StringComparison.Ordinal))
            {
                // §4.7.1.2, §4.7.1.3: a wildcard occupies a whole level.
                problem = $"level {i} '{text}': a wildcard must be a whole level";
                return null;
            }

            if (text.Contains('{', StringComparison.Ordinal) || text.Contains('}', StringComparison.Ordinal))
            {
                problem = $"level {i} '{text}': a tag name in braces must be a whole level";
                return null;
            }

            levels[i] = new Level(LevelKind.Literal, text);
            filter.Append(text);
        }

        problem = null;
        return new MqttTopicFilter(pattern, filter.ToString(), levels, [.. tags]);
    }

    /// <summary>Whether topic name <paramref name="topic"/> matches the filter.</summary>
    public bool Matches(ReadOnlySpan<char> topic)
    {
        if (topic.IsEmpty)
        {
            return false;
        }

        // §4.7.2: a filter starting with a wildcard does not match a topic starting with '$' (broker topics).
        if (topic[0] == '$' && levels[0].Kind != LevelKind.Literal)
        {
            return false;
        }

        var start = 0;
        foreach (var level in levels)
        {
            if (level.Kind == LevelKind.MultiLevel)
            {
                // §4.7.1.2: '#' also matches the parent level ("sport/#" matches "sport").
                return true;
            }

            if (start > topic.Length)
            {
                return false;
            }

            var rest = topic[start..];
            var slash = rest.IndexOf('/');
            var text = slash < 0 ? rest : rest[..slash];
            if (level.Kind == LevelKind.Literal && !text.SequenceEqual(level.Text))
            {
                return false;
            }

            start += text.Length + 1;
        }

        return start == topic.Length + 1;
    }

    /// <summary>The text of level <paramref name="index"/> (0-based) of <paramref name="topic"/>, empty when it has no such level.</summary>
    public static ReadOnlySpan<char> LevelOf(ReadOnlySpan<char> topic, int index)
    {
        var start = 0;
        for (var i = 0; i < index; i++)
        {
            var slash = topic[start..].IndexOf('/');
            if (slash < 0)
            {
                return [];
            }

            start += slash + 1;
        }

        var rest = topic[start..];
        var end = rest.IndexOf('/');
        return end < 0 ? rest : rest[..end];
    }

    private enum LevelKind : byte
    {
        Literal,
        SingleLevel,
        MultiLevel,
    }

    private readonly record struct Level(LevelKind Kind, string Text);
}

/// <summary>A tag whose value is the text of one topic level.</summary>
/// <param name="Tag">The tag key.</param>
/// <param name="Level">The 0-based level of the topic.</param>
internal readonly record struct TopicTag(string Tag, int Level);
