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
        var first = segment.RecordStart(record) + SegmentFormat.FirstReadingOffset;
        if (offset <= first)
        {
            return segment.FirstTicks(record);
        }

        // Inside a record only the record's first timestamp is indexed: read the one reading from the file.
        try
        {
            using SafeFileHandle handle = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> reading = stackalloc byte[SegmentFormat.ReadingBytes];
            return RandomAccess.Read(handle, reading, offset) == reading.Length ? SegmentFormat.ReadTicks(reading) : segment.FirstTicks(record);
        }
        catch (IOException)
        {
            return segment.FirstTicks(record);
        }
    }
}
