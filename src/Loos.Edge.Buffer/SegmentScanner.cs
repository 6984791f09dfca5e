using System.Buffers;
using Loos.Edge.Core;

namespace Loos.Edge.Buffer;

/// <summary>A region of a segment file that holds no valid record.</summary>
/// <param name="Offset">Where the damage starts, in bytes from the start of the file.</param>
/// <param name="Length">How many bytes were skipped.</param>
/// <param name="Reason">What was wrong, for the log.</param>
internal readonly record struct DamagedRegion(long Offset, long Length, string Reason);

/// <summary>What a recovery scan found in one segment file.</summary>
/// <param name="DeliveryNotes">The segment's delivery notes whose covered records are intact, in file order.</param>
internal sealed record ScannedSegment(Segment Segment, IReadOnlyList<DamagedRegion> Damage, long UndefinedSeriesReadings, IReadOnlyList<ReadOnlyMemory<byte>> DeliveryNotes);

/// <summary>
/// Reads a whole segment file, validating every record, skipping damage and resynchronising after it, and builds
/// the segment's index. Never writes.
/// </summary>
internal static class SegmentScanner
{
    /// <exception cref="InvalidDataException">The segment was written by a newer format version.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ScannedSegment Scan(string path, long number, ISeriesCatalog catalog, long committedUtcTicks)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(handle);
        if (length > int.MaxValue)
        {
            throw new InvalidDataException($"Buffer segment '{path}' is {length} bytes long, more than a segment can be.");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
        try
        {
            var data = buffer.AsSpan(0, (int)length);
            var read = 0;
            while (read < data.Length)
            {
                var count = RandomAccess.Read(handle, data[read..], read);
                if (count == 0)
                {
                    break;
                }

                read += count;
            }

            return Scan(data[..read], path, number, catalog, committedUtcTicks);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ScannedSegment Scan(ReadOnlySpan<byte> data, string path, long number, ISeriesCatalog catalog, long committedUtcTicks)
    {
        var map = new Dictionary<int, SeriesId>();
        var segment = new Segment(number, path, map) { Size = data.Length };
        var damage = new List<DamagedRegion>();
        var notes = new List<ReadOnlyMemory<byte>>();
        long undefined = 0;
        switch (SegmentFormat.ReadHeader(data, path))
        {
            case HeaderState.Truncated:
                damage.Add(new DamagedRegion(0, data.Length, $"the file is shorter than the {SegmentFormat.HeaderBytes}-byte segment header"));
                return new ScannedSegment(segment, damage, 0, notes);
            case HeaderState.Damaged:
                // The records carry their own CRCs, so a damaged header costs nothing else.
                damage.Add(new DamagedRegion(0, SegmentFormat.HeaderBytes, "the segment header has a bad magic, version or CRC"));
                break;
        }

        var offset = SegmentFormat.HeaderBytes;
        var damageStart = -1;
        (int SeriesId, byte Flags)? flagsBefore = null;
        while (offset < data.Length)
        {
            var recordLength = SegmentFormat.TryReadRecord(data[offset..], out var type);
            var record = data.Slice(offset, recordLength);
            var flags = flagsBefore;
            flagsBefore = null;
            if (recordLength > 0 && type == SegmentFormat.SeriesFlagsRecord)
            {
                // Applies to the definition record that follows it, and to nothing else.
                if (SegmentFormat.TryReadSeriesFlags(record[SegmentFormat.RecordHeaderBytes..], out var flaggedId, out var seriesFlags))
                {
                    flagsBefore = (flaggedId, seriesFlags);
                }
                else
                {
                    recordLength = 0;
                }
            }

            if (recordLength > 0 && type == SegmentFormat.DefinitionRecord)
            {
                if (SegmentFormat.TryReadDefinition(record[SegmentFormat.RecordHeaderBytes..], flags, out var diskId, out var key))
                {
                    map[diskId] = catalog.Intern(key!);
                }
                else
                {
                    recordLength = 0;
                }
            }

            if (recordLength == 0)
            {
                // Resynchronise: the next offset where a record with a valid CRC starts ends the damage.
                if (damageStart < 0)
                {
                    damageStart = offset;
                }

                offset++;
                continue;
            }

            if (damageStart >= 0)
            {
                damage.Add(Damaged(damageStart, offset, data.Length));
                damageStart = -1;
            }

            if (type == SegmentFormat.DeliveryNoteRecord && DeliveryNotes.TryRead(record, data[(offset + recordLength)..], out var note))
            {
                notes.Add(note);
            }

            if (SegmentFormat.IsReadings(type))
            {
                var count = SegmentFormat.ReadingsCount(record);
                if (count > 0)
                {
                    var at = SegmentFormat.FirstReadingOffset(type);
                    long firstTicks = 0;
                    for (var i = 0; i < count; i++)
                    {
                        at += SegmentFormat.ReadReading(record, type, at, out var diskId, out var ticks, out _, out _);
                        firstTicks = i == 0 ? ticks : firstTicks;
                        if (!map.ContainsKey(diskId))
                        {
                            undefined++;
                        }
                    }

                    segment.AddRecord(offset, offset + recordLength, type, count, firstTicks, committedUtcTicks);
                }
            }

            offset += recordLength;
        }

        if (damageStart >= 0)
        {
            damage.Add(Damaged(damageStart, data.Length, data.Length));
        }

        return new ScannedSegment(segment, damage, undefined, notes);
    }

    private static DamagedRegion Damaged(long start, long end, long fileLength) => new(
        start,
        end - start,
        end == fileLength ? "torn or corrupt record up to the end of the file" : "corrupt record (length or CRC), resynchronised at the next valid record");
}
