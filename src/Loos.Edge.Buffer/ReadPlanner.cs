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
                var first = segment.RecordStart(record) + SegmentFormat.FirstReadingOffset;
                var from = Math.Max(offset, first);
                var available = (segment.RecordEnd(record) - from) / SegmentFormat.ReadingBytes;
                var take = (int)Math.Min(available, maxReadings - planned);
                if (planned == 0)
                {
                    firstCommittedTicks = segment.CommittedTicks(record);
                }

                plan.Add(new PlannedRead(segment, segment.RecordStart(record), segment.RecordEnd(record), (int)((from - first) / SegmentFormat.ReadingBytes), take));
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
        var bytes = new byte[SegmentFormat.FirstReadingOffset + (SegmentedLog.MaxRecordReadings * SegmentFormat.ReadingBytes)];
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
                if (RandomAccess.Read(handle!, record, read.Start) != length
                    || SegmentFormat.TryReadRecord(record, out _) != length)
                {
                    Log.DamagedAtRead(logger, read.Segment.Path, read.Start);
                    index.CountDamage();
                    continue;
                }

                for (var i = read.Skip; i < read.Skip + read.Take; i++)
                {
                    var data = record[(SegmentFormat.FirstReadingOffset + (i * SegmentFormat.ReadingBytes))..];
                    var diskId = SegmentFormat.ReadSeriesId(data);
                    if (read.Segment.SeriesMap is not { } map)
                    {
                        readings[count++] = SegmentFormat.ReadReading(data, new SeriesId(diskId));
                    }
                    else if (map.TryGetValue(diskId, out var series))
                    {
                        readings[count++] = SegmentFormat.ReadReading(data, series);
                    }
                }
            }
        }
        finally
        {
            handle?.Dispose();
        }

        var last = plan[^1];
        var end = new BufferPosition(
            last.Segment.Number,
            last.Start + SegmentFormat.FirstReadingOffset + ((long)(last.Skip + last.Take) * SegmentFormat.ReadingBytes));
        return new BufferBatch(readings.AsMemory(0, count), end);
    }
}
