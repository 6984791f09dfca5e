using System.Globalization;
using System.Text;
using Loos.Edge.Core;

namespace Loos.Edge.Forwarding;

/// <summary>One rejected line (or a comment describing a reading with no line form) and why the server refused it.</summary>
/// <param name="Line">The line protocol, or a comment line starting with '#'.</param>
/// <param name="Reason">The server's message or the encoding problem; one line.</param>
/// <param name="Readings">How many readings the line holds.</param>
internal readonly record struct DeadLetter(ReadOnlyMemory<byte> Line, string Reason, int Readings);

/// <summary>
/// Appends lines a server rejected, each after a comment with the UTC time and the server's message, so the
/// file stays valid line protocol (lines starting with '#' are comments) and can be replayed once fixed.
/// The file and its predecessor <c>&lt;path&gt;.1</c> hold at most <c>maxBytes</c> together: when the file would pass
/// half of it, the predecessor is deleted (its readings counted as evicted) and the file becomes the predecessor.
/// Both are readable by the service user only.
/// </summary>
internal sealed class DeadLetterFile(string path, long maxBytes, TimeProvider timeProvider)
{
    private readonly long halfBytes = maxBytes / 2;
    private long? currentBytes;

    public string Path { get; } = path;

    /// <summary>The rotated predecessor of <see cref="Path"/>.</summary>
    public string PreviousPath => Path + ".1";

    /// <summary>
    /// Appends <paramref name="entries"/> and syncs them to disk before returning; returns how many readings the cap
    /// deleted to make room (older entries, or an entry larger than half the cap on its own).
    /// </summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public async Task<long> AppendAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return 0;
        }

        CreateDirectory();
        var stamp = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        long evicted = 0;
        currentBytes ??= File.Exists(Path) ? new FileInfo(Path).Length : 0;
        var file = Open();
        try
        {
            foreach (var entry in entries)
            {
                var bytes = Format(stamp, entry);
                if (currentBytes + bytes.Length > halfBytes)
                {
                    if (bytes.Length > halfBytes)
                    {
                        evicted += entry.Readings;
                        continue;
                    }

                    // The file is full: it replaces its predecessor, whose readings are the oldest and go.
                    file.Flush(flushToDisk: true);
                    await file.DisposeAsync();
                    evicted += CountReadings(PreviousPath);
                    File.Move(Path, PreviousPath, overwrite: true);
                    currentBytes = 0;
                    file = Open();
                }

                await file.WriteAsync(bytes, cancellationToken);
                currentBytes += bytes.Length;
            }

            // The buffer position moves past these lines next: they must be on disk first.
            file.Flush(flushToDisk: true);
        }
        finally
        {
            await file.DisposeAsync();
        }

        return evicted;
    }

    /// <summary>The readings in a dead-letter file: one per comment describing a reading, one per field (not counting a quality field beside its value) per line.</summary>
    internal static long CountReadings(string file)
    {
        if (!File.Exists(file))
        {
            return 0;
        }

        long readings = 0;
        var afterReason = false;
        foreach (var line in File.ReadLines(file))
        {
            if (line.Length == 0)
            {
                continue;
            }

            // Entries are pairs: the reason comment, then the line or a comment describing the reading.
            if (!afterReason)
            {
                afterReason = true;
                continue;
            }

            afterReason = false;
            readings += line[0] == '#' ? 1 : CountLineReadings(line);
        }

        return readings;
    }

    private static int CountLineReadings(string line)
    {
        // Line protocol: measurement[,tags] fields [timestamp]; '\' escapes, double quotes enclose string values.
        var index = 0;
        while (index < line.Length && line[index] != ' ')
        {
            index += line[index] == '\\' ? 2 : 1;
        }

        var names = new List<string>();
        var start = index + 1;
        var quoted = false;
        for (index = start; index <= line.Length; index++)
        {
            var end = index == line.Length || (!quoted && (line[index] == ',' || line[index] == ' '));
            if (end)
            {
                var field = line[start..Math.Min(index, line.Length)];
                var equals = field.IndexOf('=', StringComparison.Ordinal);
                names.Add(equals < 0 ? field : field[..equals]);
                if (index == line.Length || line[index] == ' ')
                {
                    break;
                }

                start = index + 1;
            }
            else if (line[index] == '\\')
            {
                index++;
            }
            else if (line[index] == '"')
            {
                quoted = !quoted;
            }
        }

        // A stale or estimated reading, or any reading of a republished series, writes "<field>_quality" beside its
        // value, or alone when it has none.
        const string QualitySuffix = "_quality";
        return names.Count(n => !(n.EndsWith(QualitySuffix, StringComparison.Ordinal) && names.Contains(n[..^QualitySuffix.Length])));
    }

    private static byte[] Format(string stamp, DeadLetter entry)
    {
        var reason = Encoding.UTF8.GetBytes($"# {stamp} {entry.Reason.ReplaceLineEndings(" ")}\n");
        var line = entry.Line.Span;
        var newLine = line.Length == 0 || line[^1] != (byte)'\n';
        var bytes = new byte[reason.Length + line.Length + (newLine ? 1 : 0)];
        reason.CopyTo(bytes, 0);
        line.CopyTo(bytes.AsSpan(reason.Length));
        if (newLine)
        {
            bytes[^1] = (byte)'\n';
        }

        return bytes;
    }

    private void CreateDirectory()
    {
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory && !Directory.Exists(directory))
        {
            DurableFile.CreatePrivateDirectory(directory);
        }
    }

    private FileStream Open()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = DurableFile.PrivateFileMode;
        }

        var file = new FileStream(Path, options);
        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(file.SafeFileHandle) != DurableFile.PrivateFileMode)
        {
            // A file left by an older version, or created by hand: rejected readings are nobody else's business.
            File.SetUnixFileMode(file.SafeFileHandle, DurableFile.PrivateFileMode);
        }

        return file;
    }
}
