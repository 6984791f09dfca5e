using System.Buffers;
using Loos.Edge.Core;
using Microsoft.Win32.SafeHandles;

namespace Loos.Edge.Buffer;

/// <summary>Positions and per-consumer figures over the segment indexes; shared by the live buffer and the offline inspector.</summary>
internal static class BufferStatisticsCalculator
{
    /// <summary>
    /// Where a checkpointed position really points: a position in a deleted segment moves to the oldest data, one past
    /// every segment to the end of the newest. <paramref name="segments"/> is not empty.
    /// </summary>
    public static BufferPosition Normalize(IReadOnlyList<Segment> segments, BufferPosition position)
    {
        foreach (var segment in segments)
        {
            if (segment.Number == position.Segment)
            {
                return new BufferPosition(segment.Number, segment.AlignPosition(position.Offset));
            }

            if (segment.Number > position.Segment)
            {
                return new BufferPosition(segment.Number, SegmentFormat.HeaderBytes);
            }
        }

        return new BufferPosition(segments[^1].Number, segments[^1].Size);
    }

    public static ConsumerStatistics Compute(IReadOnlyList<Segment> segments, string name, BufferPosition checkpoint)
    {
        var position = Normalize(segments, checkpoint);
        long readings = 0, bytes = 0;
        DateTimeOffset? oldest = null;
        foreach (var segment in segments)
        {
            if (segment.Number < position.Segment)
            {
                continue;
            }

            var offset = segment.Number == position.Segment ? position.Offset : 0;
            readings += segment.ReadingsAfter(offset);
            bytes += Math.Max(0, segment.Size - offset);
            if (oldest is null)
            {
                var record = segment.FirstRecordEndingAfter(offset);
                if (record < segment.RecordCount)
                {
                    oldest = new DateTimeOffset(FirstTicksAfter(segment, record, offset), TimeSpan.Zero);
                }
            }
        }

        return new ConsumerStatistics(name, position, readings, bytes, oldest);
    }

    private static long FirstTicksAfter(Segment segment, int record, long offset)
    {
        if (offset <= segment.FirstReadingStart(record))
        {
            return segment.FirstTicks(record);
        }

        // Inside a record only the record's first timestamp is indexed: read the reading from the file.
        var length = (int)(segment.RecordEnd(record) - segment.RecordStart(record));
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            using SafeFileHandle handle = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var data = bytes.AsSpan(0, length);
            return RandomAccess.Read(handle, data, segment.RecordStart(record)) == length
                && SegmentFormat.TryReadRecord(data, out var type) == length
                && SegmentFormat.ReadReading(data, type, (int)(offset - segment.RecordStart(record)), out _, out var ticks, out _, out _) > 0
                ? ticks
                : segment.FirstTicks(record);
        }
        catch (IOException)
        {
            return segment.FirstTicks(record);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
