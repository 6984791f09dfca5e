using Microsoft.Extensions.Configuration;

namespace Loos.Edge.Modules.SiteFiles;

/// <summary>
/// The flattened keys of a site file as configuration, with each key's children indexed by their parent. The framework's
/// in-memory provider finds a section's children by scanning every key of the file, so binding a site of a thousand
/// Modbus points took seconds of the gateway's start (quadratic in the number of keys); here it is one lookup.
/// </summary>
internal sealed class SiteConfigurationSource(IEnumerable<KeyValuePair<string, string?>> values) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new SiteConfigurationProvider(values);
}

/// <inheritdoc cref="SiteConfigurationSource"/>
internal sealed class SiteConfigurationProvider : ConfigurationProvider
{
    private readonly Dictionary<string, string[]> childrenByParent = new(StringComparer.OrdinalIgnoreCase);

    public SiteConfigurationProvider(IEnumerable<KeyValuePair<string, string?>> values)
    {
        var children = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values)
        {
            Data[key] = value;
            var parentEnd = 0;
            while (true)
            {
                var delimiter = key.IndexOf(ConfigurationPath.KeyDelimiter, parentEnd, StringComparison.Ordinal);
                var parent = parentEnd == 0 ? string.Empty : key[..(parentEnd - 1)];
                var child = delimiter < 0 ? key[parentEnd..] : key[parentEnd..delimiter];
                if (!children.TryGetValue(parent, out var set))
                {
                    set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    children[parent] = set;
                }

                set.Add(child);
                if (delimiter < 0)
                {
                    break;
                }

                parentEnd = delimiter + 1;
            }
        }

        foreach (var (parent, set) in children)
        {
            var sorted = set.ToArray();
            Array.Sort(sorted, ConfigurationKeyComparer.Instance);
            childrenByParent[parent] = sorted;
        }
    }

    /// <summary>The keys of <paramref name="earlierKeys"/> and the children of <paramref name="parentPath"/>, in the framework's key order.</summary>
    public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
    {
        var children = childrenByParent.GetValueOrDefault(parentPath ?? string.Empty, []);
        var keys = new List<string>(earlierKeys);
        if (keys.Count == 0)
        {
            return children;
        }

        keys.AddRange(children);
        keys.Sort(ConfigurationKeyComparer.Instance);
        return keys;
    }
}
