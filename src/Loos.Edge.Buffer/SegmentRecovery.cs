using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Buffer;

/// <summary>
/// The start-up scan: indexes every segment, reads the checkpoints and the evicted count, and takes back the latest
/// delivery notes. Damage is logged with file and offset, counted and skipped, never fatal; only a newer format
/// version is refused.
/// </summary>
internal static class SegmentRecovery
{
    /// <summary>What the scan found besides the index it filled.</summary>
    public readonly record struct Result(long Readings, IReadOnlyList<ReadOnlyMemory<byte>> DeliveryNotes);

    /// <summary>Fills <paramref name="index"/> (empty, not yet shared) from the files in its directory.</summary>
    public static Result Scan(SegmentIndex index, ISeriesCatalog catalog, long nowTicks, ILogger logger)
    {
        var files = new List<(long Number, string Path)>();
        foreach (var path in Directory.EnumerateFiles(index.Directory, "*.seg"))
        {
            if (SegmentFormat.TryParseFileName(Path.GetFileName(path), out var number))
            {
                files.Add((number, path));
            }
        }

        files.Sort(static (a, b) => a.Number.CompareTo(b.Number));
        long readings = 0;
        var deliveryNotes = new List<IReadOnlyList<ReadOnlyMemory<byte>>>();
        foreach (var (number, path) in files)
        {
            var scanned = SegmentScanner.Scan(path, number, catalog, nowTicks);
            deliveryNotes.Add(scanned.DeliveryNotes);
            foreach (var damage in scanned.Damage)
            {
                Log.DamagedRegion(logger, path, damage.Offset, damage.Length, damage.Reason);
                index.CountDamage();
            }

            if (scanned.UndefinedSeriesReadings > 0)
            {
                Log.UndefinedSeries(logger, path, scanned.UndefinedSeriesReadings);
            }

            index.Segments.Add(scanned.Segment);
            index.BytesOnDisk += scanned.Segment.Size;
            readings += scanned.Segment.Readings;
        }

        void ReportDamagedStateFile(string path, string reason)
        {
            Log.DamagedStateFile(logger, path, reason);
            index.CountDamage();
        }

        index.EvictedTotal = StateFiles.ReadEvictedTotal(index.Directory, ReportDamagedStateFile);
        foreach (var checkpoint in StateFiles.ReadCheckpoints(index.Directory, ReportDamagedStateFile))
        {
            index.Consumers[checkpoint.Name] = new ConsumerState(checkpoint.Name, checkpoint.Position);
        }

        return new Result(readings, DeliveryNotes.Latest(deliveryNotes));
    }

    /// <summary>Moves each consumer's checkpoint onto a segment that exists (its own may have been deleted since); under the index's lock.</summary>
    public static void NormalizePositions(SegmentIndex index)
    {
        foreach (var consumer in index.Consumers.Values)
        {
            consumer.Position = BufferStatisticsCalculator.Normalize(index.Segments, consumer.Position);
        }
    }
}
