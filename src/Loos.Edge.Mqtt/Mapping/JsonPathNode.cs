using System.Text;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>
/// A subscription's JSON paths merged into one tree, so that a message is walked in a single pass: at each node, the
/// properties and array elements that lead to a field, and the fields read there.
/// </summary>
internal sealed class JsonPathNode
{
    public List<KeyValuePair<byte[], JsonPathNode>> Properties { get; } = [];

    public List<KeyValuePair<int, JsonPathNode>> Elements { get; } = [];

    /// <summary>The fields read at this node (their indices), and the timestamp (-1).</summary>
    public List<int> Targets { get; } = [];

    public JsonPathNode Descend(PathStep[] path)
    {
        var node = this;
        foreach (var step in path)
        {
            node = node.Child(step);
        }

        return node;
    }

    private JsonPathNode Child(PathStep step)
    {
        if (step.Name is { } name)
        {
            foreach (var property in Properties)
            {
                if (property.Key.AsSpan().SequenceEqual(name))
                {
                    return property.Value;
                }
            }

            var child = new JsonPathNode();
            Properties.Add(new(name, child));
            return child;
        }

        foreach (var element in Elements)
        {
            if (element.Key == step.Index)
            {
                return element.Value;
            }
        }

        var item = new JsonPathNode();
        Elements.Add(new(step.Index, item));
        return item;
    }

    /// <summary>A path as written in the site file: <c>ENERGY.Power</c>, <c>[0].value</c>.</summary>
    public static string Text(PathStep[] path)
    {
        var text = new StringBuilder();
        foreach (var step in path)
        {
            if (step.Name is not null && text.Length > 0)
            {
                text.Append('.');
            }

            text.Append(step.ToString());
        }

        return text.ToString();
    }
}
