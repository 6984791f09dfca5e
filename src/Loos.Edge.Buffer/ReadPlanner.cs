using System.Runtime.CompilerServices;
using Loos.Edge.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Loos.Edge.Buffer;

/// <summary>
/// Reading for a consumer in two steps: plan under the index's lock which records hold its next readings, then read
/// them from the files without the lock. A record found damaged at read is skipped, logged and counted.
/// </summary>
internal sealed class ReadPlanner(SegmentIndex index, ILogger logger)
{
    /// <summary>Lists the records to read from <paramref name="start"/>, up to <paramref name="maxReadings"/> readings; under the index's lock.</summary>
    public long Plan(BufferPosition start, int maxReadings, List<PlannedRead> plan, out long firstCommittedTicks)
    {
        plan.Clear();
        firstCommittedTicks = long.MaxValue;
        var position = BufferStatisticsCalculator.Normalize(index.Segments, start);
        long planned = 0;
        foreach (var segment in index.Segments)
        {
            if (segment.Number < position.Segment)
            {
                continue;
            }

            var offset = segment.Number == position.Segment ? position.Offset : 0;
            for (var record = segment.FirstRecordEndingAfter(offset); record < segment.RecordCount && planned < maxReadings; record++)
            {
                // The position is normalised: on a reading boundary, found in the record's readings.
                var skip = offset > segment.FirstReadingStart(record) ? Math.Max(0, segment.ReadingIndex(record, offset)) : 0;
                var take = (int)Math.Min(segment.RecordReadings(record) - skip, maxReadings - planned);
                if (planned == 0)
                {
                    firstCommittedTicks = segment.CommittedTicks(record);
                }

                plan.Add(new PlannedRead(segment, segment.RecordStart(record), segment.RecordEnd(record), skip, take));
                planned += take;
            }

            if (planned >= maxReadings)
            {
                break;
            }
        }

        return planned;
    }

    /// <summary>Reads planned records from their files; null when a segment vanished (evicted) meanwhile.</summary>
    // Compiled fully optimised at the first read (see LineProtocolParser.TryParse).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public BufferBatch? Read(List<PlannedRead> plan)
    {
        var total = 0;
        foreach (var read in plan)
        {
            total += read.Take;
        }

        var readings = new Reading[total];
        var count = 0;
        SafeFileHandle? handle = null;
        Segment? open = null;
        var bytes = new byte[SegmentFormat.MaxReadingsRecordBytes];
        long endOffset = 0;
        var endIndex = 0;
        try
        {
            foreach (var read in plan)
            {
                if (!ReferenceEquals(open, read.Segment))
                {
                    handle?.Dispose();
                    handle = null;
                    try
                    {
                        handle = File.OpenHandle(read.Segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    }
                    catch (FileNotFoundException)
                    {
                        return null;
                    }

                    open = read.Segment;
                }

                var length = (int)(read.End - read.Start);
                if (bytes.Length < length)
                {
                    bytes = new byte[length];
                }

                var record = bytes.AsSpan(0, length);
                byte type = 0;
                if (RandomAccess.Read(handle!, record, read.Start) != length
                    || SegmentFormat.TryReadRecord(record, out type) != length)
                {
                    Log.DamagedAtRead(logger, read.Segment.Path, read.Start);
                    index.CountDamage();

                    // Past the damaged record: its readings are lost, and counted once.
                    endOffset = read.End;
                    endIndex = 0;
                    continue;
                }

                // Each reading decoded from where the previous one ends: those acknowledged already are skipped.
                var at = SegmentFormat.FirstReadingOffset(type);
                var i = 0;
                if (type == SegmentFormat.ReadingsRecord)
                {
                    at += read.Skip * SegmentFormat.FixedReadingBytes;
                    i = read.Skip;
                }

                for (; i < read.Skip + read.Take; i++)
                {
                    var readingLength = SegmentFormat.ReadReading(record, type, at, out var diskId, out var ticks, out var value, out var quality);
                    if (i >= read.Skip)
                    {
                        if (read.Segment.SeriesMap is not { } map)
                        {
                            readings[count++] = new Reading(new SeriesId(diskId), new DateTimeOffset(ticks, TimeSpan.Zero), value, quality);
                        }
                        else if (map.TryGetValue(diskId, out var series))
                        {
                            readings[count++] = new Reading(series, new DateTimeOffset(ticks, TimeSpan.Zero), value, quality);
                        }
                    }

                    at += readingLength;
                }

                endOffset = read.Start + at;
                endIndex = type == SegmentFormat.CompactReadingsRecord ? read.Skip + read.Take : 0;
            }
        }
        finally
        {
            handle?.Dispose();
        }

        var last = plan[^1];
        if (endOffset < last.End && endIndex > 0)
        {
            // A batch that ends inside a compact record: its end is found again without reading the record.
            lock (index.Gate)
            {
                last.Segment.RememberBoundary(endOffset, endIndex);
            }
        }

        var end = new BufferPosition(last.Segment.Number, endOffset);
        return new BufferBatch(readings.AsMemory(0, count), end);
    }
}
