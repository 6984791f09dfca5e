using Loos.Edge.Core;

namespace Loos.Edge.Buffer;

/// <summary>
/// One segment file and an in-memory index of its readings records, so that counts, positions and reads never
/// rescan the file. Mutated by the writer and read by consumers, always under the buffer's lock.
/// </summary>
internal sealed class Segment
{
    private long[] starts = new long[64];
    private long[] ends = new long[64];
    private long[] firstTicks = new long[64];
    private long[] committedTicks = new long[64];
    private long[] readingsBefore = new long[65];

    public Segment(long number, string path, IReadOnlyDictionary<int, SeriesId>? seriesMap)
    {
        Number = number;
        Path = path;
        SeriesMap = seriesMap;
    }

    public long Number { get; }

    public string Path { get; }

    public string FileName => SegmentFormat.FileName(Number);

    /// <summary>On-disk id → process id; null when the segment was written by this process (the ids are the same).</summary>
    public IReadOnlyDictionary<int, SeriesId>? SeriesMap { get; }

    /// <summary>Bytes on disk that are durable (fsynced) and indexed.</summary>
    public long Size { get; set; }

    public int RecordCount { get; private set; }

    public long Readings => readingsBefore[RecordCount];

    public long RecordStart(int record) => starts[record];

    public long RecordEnd(int record) => ends[record];

    public long FirstTicks(int record) => firstTicks[record];

    public long CommittedTicks(int record) => committedTicks[record];

    public void AddRecord(long start, long end, long firstReadingTicks, long committedUtcTicks)
    {
        if (RecordCount == starts.Length)
        {
            var length = starts.Length * 2;
            Array.Resize(ref starts, length);
            Array.Resize(ref ends, length);
            Array.Resize(ref firstTicks, length);
            Array.Resize(ref committedTicks, length);
            Array.Resize(ref readingsBefore, length + 1);
        }

        starts[RecordCount] = start;
        ends[RecordCount] = end;
        firstTicks[RecordCount] = firstReadingTicks;
        committedTicks[RecordCount] = committedUtcTicks;
        readingsBefore[RecordCount + 1] = readingsBefore[RecordCount] + ((end - start - SegmentFormat.FirstReadingOffset) / SegmentFormat.ReadingBytes);
        RecordCount++;
    }

    /// <summary>The first readings record that ends after <paramref name="offset"/>, or <see cref="RecordCount"/>.</summary>
    public int FirstRecordEndingAfter(long offset)
    {
        int low = 0, high = RecordCount;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (ends[middle] > offset)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }

    /// <summary>
    /// <paramref name="offset"/> if it is a valid position (between records, or on a reading boundary inside one);
    /// otherwise the start of the record it falls in, so that a checkpoint that does not fit is re-read, never skipped.
    /// </summary>
    public long AlignPosition(long offset)
    {
        var record = FirstRecordEndingAfter(offset);
        if (record == RecordCount || offset <= starts[record])
        {
            return Math.Max(offset, SegmentFormat.HeaderBytes);
        }

        var first = starts[record] + SegmentFormat.FirstReadingOffset;
        return offset >= first && (offset - first) % SegmentFormat.ReadingBytes == 0 ? offset : starts[record];
    }

    /// <summary>How many readings follow <paramref name="offset"/> (a reading boundary) in this segment.</summary>
    public long ReadingsAfter(long offset)
    {
        var record = FirstRecordEndingAfter(offset);
        if (record == RecordCount)
        {
            return 0;
        }

        var after = Readings - readingsBefore[record];
        var first = starts[record] + SegmentFormat.FirstReadingOffset;
        if (offset > first)
        {
            after -= (offset - first) / SegmentFormat.ReadingBytes;
        }

        return after;
    }
}
