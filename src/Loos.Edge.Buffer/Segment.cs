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
    private byte[] types = new byte[64];

    // Reading boundaries inside compact records found lately (batch ends, checkpoints), with their index in their
    // record: a position there is resolved without reading the record again. A few suffice, one or two per consumer.
    private readonly long[] boundaryOffsets = new long[8];
    private readonly int[] boundaryIndexes = new int[8];
    private int boundaryNext;

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

    /// <summary>The record type, <see cref="SegmentFormat.ReadingsRecord"/> or <see cref="SegmentFormat.CompactReadingsRecord"/>.</summary>
    public byte RecordType(int record) => types[record];

    public int RecordReadings(int record) => (int)(readingsBefore[record + 1] - readingsBefore[record]);

    /// <summary>Where the first reading of <paramref name="record"/> starts in the file.</summary>
    public long FirstReadingStart(int record) => starts[record] + SegmentFormat.FirstReadingOffset(types[record]);

    public void AddRecord(long start, long end, byte type, int readings, long firstReadingTicks, long committedUtcTicks)
    {
        if (RecordCount == starts.Length)
        {
            var length = starts.Length * 2;
            Array.Resize(ref starts, length);
            Array.Resize(ref ends, length);
            Array.Resize(ref firstTicks, length);
            Array.Resize(ref committedTicks, length);
            Array.Resize(ref readingsBefore, length + 1);
            Array.Resize(ref types, length);
        }

        starts[RecordCount] = start;
        ends[RecordCount] = end;
        firstTicks[RecordCount] = firstReadingTicks;
        committedTicks[RecordCount] = committedUtcTicks;
        readingsBefore[RecordCount + 1] = readingsBefore[RecordCount] + readings;
        types[RecordCount] = type;
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

        return offset == FirstReadingStart(record) || ReadingIndex(record, offset) > 0 ? offset : starts[record];
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
        if (offset > FirstReadingStart(record))
        {
            after -= Math.Max(0, ReadingIndex(record, offset));
        }

        return after;
    }

    /// <summary>
    /// The index in <paramref name="record"/> of the reading that starts at <paramref name="offset"/>, or -1 when none
    /// does. A compact record's readings vary in length: a boundary not seen lately is found by reading the record.
    /// </summary>
    public int ReadingIndex(int record, long offset)
    {
        var first = FirstReadingStart(record);
        if (types[record] != SegmentFormat.CompactReadingsRecord)
        {
            var index = (offset - first) / SegmentFormat.FixedReadingBytes;
            return offset >= first && (offset - first) % SegmentFormat.FixedReadingBytes == 0 && index < RecordReadings(record) ? (int)index : -1;
        }

        if (offset == first)
        {
            return 0;
        }

        for (var i = 0; i < boundaryOffsets.Length; i++)
        {
            if (boundaryOffsets[i] == offset)
            {
                return boundaryIndexes[i];
            }
        }

        var found = ReadIndexFromFile(record, offset);
        if (found > 0)
        {
            RememberBoundary(offset, found);
        }

        return found;
    }

    /// <summary>Notes that the reading of index <paramref name="readingIndex"/> of its compact record starts at <paramref name="offset"/>.</summary>
    public void RememberBoundary(long offset, int readingIndex)
    {
        boundaryOffsets[boundaryNext] = offset;
        boundaryIndexes[boundaryNext] = readingIndex;
        boundaryNext = (boundaryNext + 1) % boundaryOffsets.Length;
    }

    private int ReadIndexFromFile(int record, long offset)
    {
        var length = (int)(ends[record] - starts[record]);
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var data = bytes.AsSpan(0, length);

            // A record that cannot be read or is damaged: the position goes back to its start, re-read rather than skipped.
            return RandomAccess.Read(handle, data, starts[record]) == length && SegmentFormat.TryReadRecord(data, out var type) == length
                ? SegmentFormat.ReadingIndexAt(data, type, offset - starts[record])
                : -1;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
