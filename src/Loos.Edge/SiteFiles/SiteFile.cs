using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Loos.Edge.SiteFiles;

/// <summary>
/// A site file (YAML, or JSON which YAML reads too) flattened into configuration keys such as
/// <c>forwarder:targets:0:url</c>, remembering the line each key came from so that every error can
/// point the technician at the right line.
/// </summary>
internal sealed class SiteFile
{
    private readonly Dictionary<string, int> lineOfKey;

    private SiteFile(string path, IConfigurationRoot configuration, Dictionary<string, int> lineOfKey)
    {
        Path = path;
        Configuration = configuration;
        this.lineOfKey = lineOfKey;
    }

    /// <summary>The absolute path of the file.</summary>
    public string Path { get; }

    /// <summary>The folder relative paths in the file are resolved against.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    public IConfigurationRoot Configuration { get; }

    /// <summary>Reads and parses the file.</summary>
    /// <exception cref="SiteFileException">The file is missing or is not valid YAML/JSON.</exception>
    public static SiteFile Load(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (IOException exception)
        {
            throw new SiteFileException($"{fullPath}: cannot read the site file: {exception.Message}", exception);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new SiteFileException($"{fullPath}: cannot read the site file: {exception.Message}", exception);
        }

        return Parse(fullPath, text);
    }

    /// <summary>Parses site-file text; <paramref name="path"/> is only used in messages and to resolve relative paths.</summary>
    /// <exception cref="SiteFileException">The text is not valid YAML/JSON or its top level is not a mapping.</exception>
    public static SiteFile Parse(string path, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            var reason = (exception.InnerException ?? exception).Message;
            throw new SiteFileException($"{path}:{exception.Start.Line}:{exception.Start.Column}: not valid YAML: {reason}", exception);
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (stream.Documents.Count > 0)
        {
            if (stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                throw new SiteFileException($"{path}:1: the site file must be a mapping of sections (buffer:, forwarder:, …).");
            }

            Flatten(root, prefix: null, values, lines);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new SiteFile(path, configuration, lines);
    }

    /// <summary>"file:line" for a configuration key (or its closest parent that the file names), for messages.</summary>
    public string Locate(string key)
    {
        for (var probe = key; probe.Length > 0; probe = ParentOf(probe))
        {
            if (lineOfKey.TryGetValue(probe, out var line))
            {
                return $"{Path}:{line}";
            }
        }

        return Path;
    }

    /// <summary>A key as the file spells it (keys match case-insensitively; messages quote the file).</summary>
    public string Spell(string key) => lineOfKey.Keys.FirstOrDefault(k => k.Equals(key, StringComparison.OrdinalIgnoreCase)) ?? key;

    /// <summary>Resolves a path from the file against the file's folder; null and empty stay as they are.</summary>
    public string? ResolvePath(string? path) =>
        string.IsNullOrEmpty(path) ? path : System.IO.Path.GetFullPath(path, Directory);

    private static string ParentOf(string key)
    {
        var separator = key.LastIndexOf(':');
        return separator < 0 ? string.Empty : key[..separator];
    }

    private static void Flatten(YamlNode node, string? prefix, Dictionary<string, string?> values, Dictionary<string, int> lines)
    {
        if (prefix is not null)
        {
            // A mapping entry keeps its key's line; list items take their own. YamlDotNet counts from 1, as editors do.
            lines.TryAdd(prefix, (int)node.Start.Line);
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var name = ((YamlScalarNode)keyNode).Value ?? string.Empty;
                    var key = prefix is null ? name : $"{prefix}:{name}";
                    lines[key] = (int)keyNode.Start.Line;
                    Flatten(valueNode, key, values, lines);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Flatten(sequence.Children[i], $"{prefix}:{i}", values, lines);
                }

                break;
            case YamlScalarNode scalar when prefix is not null:
                var isNull = scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "~" or "null" or "";
                values[prefix] = isNull ? null : scalar.Value;
                break;
        }
    }
}
