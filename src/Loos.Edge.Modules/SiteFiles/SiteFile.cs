using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Loos.Edge.Modules.SiteFiles;

/// <summary>
/// A site file (YAML, or JSON which YAML reads too) flattened into configuration keys such as
/// <c>forwarder:targets:0:url</c>, remembering the line and the shape (value, list or mapping) of each key so that
/// every error can point the technician at the right line. Device profiles and MQTT presets are read the same way,
/// each as a <see cref="SiteFileKind"/> of its own.
/// </summary>
/// <remarks>
/// The file is read within fixed limits, so that a hostile or broken file ends in an error rather than a crash or a
/// hang: at most <see cref="MaximumBytes"/> bytes of UTF-8, nested at most <see cref="MaximumDepth"/> levels, keys
/// that are single values, and no aliases (<c>*name</c>), which could expand a small file into billions of values.
/// </remarks>
public sealed class SiteFile
{
    /// <summary>The largest site file read: 1 MiB, a hundred times the largest example site file.</summary>
    public const int MaximumBytes = 1024 * 1024;

    /// <summary>
    /// How deep lists and mappings may nest below the top level: 32, four times what the deepest option needs
    /// (<c>modbus:buses:0:devices:0:points:0</c>). Checked event by event, before anything recurses.
    /// </summary>
    public const int MaximumDepth = 32;

    private readonly Dictionary<string, KeyFacts> keys;

    private SiteFile(string path, IConfigurationRoot configuration, Dictionary<string, KeyFacts> keys)
    {
        Path = path;
        Configuration = configuration;
        this.keys = keys;
    }

    /// <summary>The absolute path of the file.</summary>
    public string Path { get; }

    /// <summary>The folder relative paths in the file are resolved against.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    public IConfigurationRoot Configuration { get; }

    /// <summary>
    /// Reads and parses the file at <paramref name="path"/>, a <paramref name="kind"/> (named so in messages; the site
    /// file unless said).
    /// </summary>
    /// <exception cref="SiteFileException">The file is missing, too large, not UTF-8, or not valid YAML of that kind.</exception>
    public static SiteFile Load(string path, SiteFileKind? kind = null)
    {
        kind ??= SiteFileKind.Site;
        var fullPath = System.IO.Path.GetFullPath(path);
        byte[] content;
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.CanSeek && stream.Length > MaximumBytes)
            {
                throw TooLarge(fullPath, kind);
            }

            // One byte past the limit tells a file at the limit from a larger one, whatever its length claims.
            content = new byte[MaximumBytes + 1];
            var length = 0;
            for (int read; length < content.Length && (read = stream.Read(content, length, content.Length - length)) > 0;)
            {
                length += read;
            }

            if (length > MaximumBytes)
            {
                throw TooLarge(fullPath, kind);
            }

            Array.Resize(ref content, length);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new SiteFileException($"{fullPath}: cannot read the {kind.Name}: {exception.Message}", exception);
        }

        return Parse(fullPath, content, kind);
    }

    /// <summary>
    /// Parses the bytes of a <paramref name="kind"/> (the site file unless said), which must be UTF-8 (with or without a
    /// byte order mark).
    /// </summary>
    /// <exception cref="SiteFileException">The bytes are too many, not UTF-8, or not valid YAML of that kind.</exception>
    public static SiteFile Parse(string path, ReadOnlySpan<byte> content, SiteFileKind? kind = null)
    {
        kind ??= SiteFileKind.Site;
        if (content.Length > MaximumBytes)
        {
            throw TooLarge(path, kind);
        }

        var start = content.StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        var characters = ArrayPool<char>.Shared.Rent(content.Length);
        try
        {
            if (Utf8.ToUtf16(content[start..], characters, out var bytesRead, out var charactersWritten, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                var offset = start + bytesRead;
                var line = content[..offset].Count((byte)'\n') + 1;
                throw new SiteFileException($"{path}:{line}: the {kind.Name} is not valid UTF-8: byte 0x{content[offset]:X2} at byte offset {offset} (save the file as UTF-8).");
            }

            return Parse(path, new string(characters, 0, charactersWritten), kind);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(characters);
        }
    }

    /// <summary>
    /// Parses the text of a <paramref name="kind"/> (the site file unless said); <paramref name="path"/> is only used in
    /// messages and to resolve relative paths.
    /// </summary>
    /// <exception cref="SiteFileException">The text is not valid YAML/JSON, passes a limit, or its top level is not a mapping.</exception>
    public static SiteFile Parse(string path, string text, SiteFileKind? kind = null)
    {
        kind ??= SiteFileKind.Site;
        var flattener = new Flattener(path, kind);
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);

        // Event by event, so that nesting is counted before it could recurse (YamlStream loads nodes recursively).
        while (Next(path, parser, scanner) && flattener.Accept(parser.Current!))
        {
        }

        if (flattener.Problems.Count > 0)
        {
            throw new SiteFileException(flattener.Problems);
        }

        var configuration = new ConfigurationBuilder().Add(new SiteConfigurationSource(flattener.Values)).Build();
        return new SiteFile(path, configuration, flattener.Keys);
    }

    private static bool Next(string path, Parser parser, Scanner scanner)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (YamlException exception)
        {
            var reason = (exception.InnerException ?? exception).Message;
            throw new SiteFileException($"{path}:{exception.Start.Line}:{exception.Start.Column}: not valid YAML: {reason}", exception);
        }
        catch (InvalidOperationException exception)
        {
            // YamlDotNet's scanner fails so, rather than with a YamlException, on some malformed flow collections.
            var position = scanner.CurrentPosition;
            throw new SiteFileException($"{path}:{position.Line}:{position.Column}: not valid YAML: the reader stopped here ({exception.Message}).", exception);
        }
    }

    /// <summary>"file:line" for a configuration key (or its closest parent that the file names), for messages.</summary>
    public string Locate(string key)
    {
        for (var probe = key; probe.Length > 0; probe = ParentOf(probe))
        {
            if (keys.TryGetValue(probe, out var facts))
            {
                return $"{Path}:{facts.Line}";
            }
        }

        return Path;
    }

    /// <summary>A key as the file spells it (keys match case-insensitively; messages quote the file).</summary>
    public string Spell(string key) => keys.TryGetValue(key, out var facts) ? facts.Spelling : key;

    /// <summary>What the file holds at <paramref name="key"/>: a value, a list, a mapping, nothing (an empty value), or no such key.</summary>
    public SiteNodeShape ShapeOf(string key) => keys.TryGetValue(key, out var facts) ? facts.Shape : SiteNodeShape.Missing;

    /// <summary>
    /// Resolves a path from the file against the file's folder; null and empty stay as they are, and so does a path
    /// that <see cref="SitePaths.Check"/> refuses (that problem is reported with its key).
    /// </summary>
    public string? ResolvePath(string? path) =>
        string.IsNullOrEmpty(path) || SitePaths.Check(path, Directory) is not null ? path : System.IO.Path.GetFullPath(path, Directory);

    private static SiteFileException TooLarge(string path, SiteFileKind kind) =>
        new($"{path}: the {kind.Name} is larger than {MaximumBytes} bytes (1 MiB), the most a {kind.Name} may be.");

    private static string ParentOf(string key)
    {
        var separator = key.LastIndexOf(':');
        return separator < 0 ? string.Empty : key[..separator];
    }

    /// <summary>Where a key is (editors count lines from 1, as YamlDotNet does), how the file spells it, and what it holds.</summary>
    private sealed class KeyFacts(int line, string spelling)
    {
        public int Line { get; } = line;

        public string Spelling { get; } = spelling;

        public SiteNodeShape Shape { get; set; } = SiteNodeShape.Empty;
    }

    /// <summary>An open list or mapping while the events of its children arrive.</summary>
    private sealed class Collection(string? key, bool isMapping)
    {
        /// <summary>The configuration key of the collection; null for the top level.</summary>
        public string? Key { get; } = key;

        public bool IsMapping { get; } = isMapping;

        /// <summary>The index the next list item gets.</summary>
        public int Count { get; set; }

        /// <summary>Whether the next node of a mapping is a key (else the value of <see cref="PendingKey"/>).</summary>
        public bool AtKey { get; set; } = true;

        public string? PendingKey { get; set; }

        /// <summary>Whether the next value is dropped, its key having been refused.</summary>
        public bool SkipValue { get; set; }
    }

    /// <summary>Turns parser events into configuration keys, with each key's line and shape, and the problems found.</summary>
    private sealed class Flattener(string path, SiteFileKind kind)
    {
        private readonly Stack<Collection> open = new();

        /// <summary>How many levels deep the reader is inside a node it drops (a refused key or its value).</summary>
        private int skippedDepth;

        private int documents;

        public Dictionary<string, string?> Values { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, KeyFacts> Keys { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<string> Problems { get; } = [];

        /// <summary>Takes one event; false once the rest of the file is to be ignored.</summary>
        public bool Accept(ParsingEvent parsingEvent)
        {
            switch (parsingEvent)
            {
                case DocumentStart when ++documents > 1:
                    Problems.Add($"{path}:{parsingEvent.Start.Line}: a {kind.Name} holds one YAML document; a second one starts here.");
                    return false;
                case MappingStart or SequenceStart:
                    Node(parsingEvent, opens: true);
                    break;
                case Scalar or AnchorAlias:
                    Node(parsingEvent, opens: false);
                    break;
                case MappingEnd or SequenceEnd when skippedDepth > 0:
                    skippedDepth--;
                    break;
                case MappingEnd or SequenceEnd:
                    open.Pop();
                    break;
            }

            return true;
        }

        private void Node(ParsingEvent node, bool opens)
        {
            if (skippedDepth > 0)
            {
                if (opens)
                {
                    Skip(node, open.Peek().Key);
                }

                return;
            }

            if (!open.TryPeek(out var parent))
            {
                if (node is not MappingStart)
                {
                    throw new SiteFileException($"{path}:{node.Start.Line}: the {kind.Name} must be a mapping of {kind.TopLevel}.");
                }

                Open(node, key: null, isMapping: true);
                return;
            }

            if (parent.IsMapping && parent.AtKey)
            {
                Key(parent, node, opens);
                return;
            }

            parent.AtKey = true;
            if (parent.SkipValue)
            {
                parent.SkipValue = false;
                if (opens)
                {
                    Skip(node, parent.Key);
                }

                return;
            }

            var key = parent.IsMapping ? parent.PendingKey! : $"{parent.Key}:{parent.Count++}";
            var line = (int)node.Start.Line;
            if (!Keys.TryGetValue(key, out var facts))
            {
                // A list item is located by its own line, a mapping value by its key's.
                Keys[key] = facts = new KeyFacts(line, key);
            }

            switch (node)
            {
                case AnchorAlias alias:
                    Problems.Add($"{path}:{line}: {key}: aliases (*{alias.Value}) are not supported in a {kind.Name}; write the value out.");
                    break;
                case Scalar scalar:
                    var isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is "~" or "null" or "";
                    facts.Shape = isNull ? SiteNodeShape.Empty : SiteNodeShape.Value;
                    Values[key] = isNull ? null : scalar.Value;
                    break;
                case MappingStart:
                    facts.Shape = SiteNodeShape.Mapping;
                    Open(node, key, isMapping: true);
                    break;
                default:
                    facts.Shape = SiteNodeShape.List;
                    Open(node, key, isMapping: false);
                    break;
            }
        }

        private void Key(Collection mapping, ParsingEvent node, bool opens)
        {
            mapping.AtKey = false;
            var line = (int)node.Start.Line;
            var where = mapping.Key is null ? $"{path}:{line}:" : $"{path}:{line}: {mapping.Key}:";
            if (node is not Scalar scalar)
            {
                Problems.Add(node switch
                {
                    AnchorAlias alias => $"{where} aliases (*{alias.Value}) are not supported in a {kind.Name}; write the key out.",
                    MappingStart => $"{where} a key must be a single value, not a mapping.",
                    _ => $"{where} a key must be a single value, not a list.",
                });
                mapping.SkipValue = true;
                if (opens)
                {
                    Skip(node, mapping.Key);
                }

                return;
            }

            var key = mapping.Key is null ? scalar.Value : $"{mapping.Key}:{scalar.Value}";
            if (scalar.Value.Length == 0)
            {
                Problems.Add($"{where} a key cannot be empty.");
                mapping.SkipValue = true;
            }
            else if (Keys.TryGetValue(key, out var first))
            {
                // Keys match case-insensitively, as options do: "Directory" repeats "directory".
                Problems.Add($"{path}:{line}: {key}: duplicate key (first on line {first.Line}).");
                mapping.SkipValue = true;
            }
            else
            {
                Keys[key] = new KeyFacts(line, key);
                mapping.PendingKey = key;
            }
        }

        private void Open(ParsingEvent node, string? key, bool isMapping)
        {
            CheckDepth(node, key, open.Count);
            open.Push(new Collection(key, isMapping));
        }

        private void Skip(ParsingEvent node, string? key)
        {
            skippedDepth++;
            CheckDepth(node, key, open.Count + skippedDepth - 1);
        }

        /// <summary>Refuses a collection that would sit <paramref name="depth"/> levels below the top level, past the limit.</summary>
        private void CheckDepth(ParsingEvent node, string? key, int depth)
        {
            if (depth > MaximumDepth)
            {
                throw new SiteFileException($"{path}:{node.Start.Line}: {key}: nested deeper than {MaximumDepth} levels, the most a {kind.Name} may nest.");
            }
        }
    }
}
