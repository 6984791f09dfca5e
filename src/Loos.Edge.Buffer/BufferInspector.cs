using Loos.Edge.Core;

namespace Loos.Edge.Buffer;

/// <summary>Reads a buffer directory's statistics while no gateway has it open (<c>loos-edge buffer status</c>).</summary>
public static class BufferInspector
{
    /// <summary>
    /// Scans the segments and checkpoints in <paramref name="directory"/> without modifying anything. The disk cap is
    /// not stored in the directory: pass the configured one in <paramref name="capBytes"/> (default 1 GiB, the
    /// <see cref="BufferOptions.CapBytes"/> default). Damaged regions are those present on disk now.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="InvalidDataException">A segment or checkpoint was written by a newer format version.</exception>
    public static BufferStatistics Read(string directory, long capBytes = 1L << 30)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The buffer directory '{directory}' does not exist.");
        }

        // A private catalogue: the definitions are only parsed, never used.
        var catalog = new SeriesCatalog();
        var segments = new List<Segment>();
        var damaged = 0;
        long bytes = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*.seg").Order(StringComparer.Ordinal))
        {
            if (SegmentFormat.TryParseFileName(Path.GetFileName(path), out var number))
            {
                var scanned = SegmentScanner.Scan(path, number, catalog, committedUtcTicks: 0);
                damaged += scanned.Damage.Count;
                segments.Add(scanned.Segment);
                bytes += scanned.Segment.Size;
            }
        }

        var evicted = StateFiles.ReadEvictedTotal(directory, (_, _) => damaged++);
        var consumers = new List<ConsumerStatistics>();
        foreach (var checkpoint in StateFiles.ReadCheckpoints(directory, (_, _) => damaged++))
        {
            consumers.Add(segments.Count == 0
                ? new ConsumerStatistics(checkpoint.Name, checkpoint.Position, 0, 0, null)
                : BufferStatisticsCalculator.Compute(segments, checkpoint.Name, checkpoint.Position));
        }

        return new BufferStatistics(consumers, bytes, segments.Count, capBytes, evicted, damaged);
    }
}
