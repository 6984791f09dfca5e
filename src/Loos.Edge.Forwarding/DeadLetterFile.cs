using System.Globalization;
using System.Text;

namespace Loos.Edge.Forwarding;

/// <summary>
/// Appends lines a server rejected, each after a comment with the UTC time and the server's message, so the
/// file stays valid line protocol (lines starting with '#' are comments) and can be replayed once fixed.
/// </summary>
internal sealed class DeadLetterFile(string path, TimeProvider timeProvider)
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public string Path { get; } = path;

    /// <summary>Appends <paramref name="lines"/> (each ending in a newline) and syncs them to disk before returning.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public async Task AppendAsync(IReadOnlyList<(ReadOnlyMemory<byte> Line, string Reason)> lines, CancellationToken cancellationToken)
    {
        if (lines.Count == 0)
        {
            return;
        }

        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var stamp = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        await using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
        foreach (var (line, reason) in lines)
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes($"# {stamp} {reason.ReplaceLineEndings(" ")}\n"), cancellationToken);
            await file.WriteAsync(line, cancellationToken);
            if (line.Length == 0 || line.Span[^1] != (byte)'\n')
            {
                await file.WriteAsync(NewLine, cancellationToken);
            }
        }

        // The buffer position moves past these lines next: they must be on disk first.
        file.Flush(flushToDisk: true);
    }
}
