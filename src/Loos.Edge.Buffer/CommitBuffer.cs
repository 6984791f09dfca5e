using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Loos.Edge.Core;

namespace Loos.Edge.Buffer;

/// <summary>
/// The records of one commit, serialised in memory before the writer writes them at the end of the active segment:
/// each series' definition before its first reading in the segment, readings records of at most
/// <see cref="SegmentedLog.MaxRecordReadings"/>, and delivery notes. Owned by the writer loop.
/// </summary>
internal sealed class CommitBuffer(ISeriesCatalog catalog)
{
    private readonly List<int> definedNotWritten = [];
    private bool[] defined = new bool[256];
    private int[] estimated = new int[256];
    private int estimateGeneration;
    private byte[] buffer = new byte[64 * 1024];
    private int buffered;
    private int openRecord = -1;
    private int openRecordReadings;
    private long openRecordFirstTicks;

    /// <summary>Bytes serialised and not yet written.</summary>
    public int Length => buffered;

    public ReadOnlySpan<byte> Bytes => buffer.AsSpan(0, buffered);

    /// <summary>The readings records closed since the last write, by offset in <see cref="Bytes"/>.</summary>
    public List<PendingRecord> Pending { get; } = [];

    /// <summary>An upper bound of the bytes <see cref="Add"/> takes for these readings and note.</summary>
    // Compiled fully optimised at the first append (see LineProtocolParser.TryParse).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Estimate(ReadOnlySpan<Reading> readings, int noteLength)
    {
        long estimate = readings.Length * (long)CompactReadings.MaxReadingBytes
            + (((readings.Length / SegmentedLog.MaxRecordReadings) + 1) * (long)CompactReadings.FirstReadingOffset)
            + NoteBytes(noteLength);

        // Each new series once, marked with a generation number so that no set is allocated per append.
        estimateGeneration++;
        foreach (ref readonly var reading in readings)
        {
            var id = reading.Series.Value;
            if (!IsDefined(id) && ((uint)id >= (uint)estimated.Length || estimated[id] != estimateGeneration))
            {
                estimate += SegmentFormat.DefinitionRecordBytes(catalog[reading.Series]);
                if (id >= estimated.Length)
                {
                    Array.Resize(ref estimated, Math.Max(estimated.Length * 2, id + 1));
                }

                estimated[id] = estimateGeneration;
            }
        }

        return estimate;
    }

    /// <summary>Serialises one append: its note, the definitions of series new to the segment, then its readings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<Reading> readings, ReadOnlySpan<byte> deliveryNote)
    {
        // The note goes first and is sealed last, once the length of the records it covers is known.
        var noteBytes = NoteBytes(deliveryNote.Length);
        var noteStart = -1;
        if (noteBytes > 0)
        {
            CloseRecord();
            EnsureBuffer(noteBytes);
            noteStart = buffered;
            deliveryNote.CopyTo(buffer.AsSpan(noteStart + SegmentFormat.RecordHeaderBytes + SegmentFormat.DeliveryNoteHeaderBytes));
            buffered += noteBytes;
        }

        foreach (ref readonly var reading in readings)
        {
            var id = reading.Series.Value;
            if (!IsDefined(id))
            {
                Define(id, catalog[reading.Series]);
            }
        }

        foreach (ref readonly var reading in readings)
        {
            if (openRecord < 0)
            {
                EnsureBuffer(CompactReadings.FirstReadingOffset);
                openRecord = buffered;
                openRecordReadings = 0;
                openRecordFirstTicks = reading.Timestamp.UtcTicks;
                buffered += CompactReadings.FirstReadingOffset;
            }

            EnsureBuffer(CompactReadings.MaxReadingBytes);
            buffered += CompactReadings.Write(buffer.AsSpan(buffered), reading.Series.Value, reading, openRecordFirstTicks);
            if (++openRecordReadings == SegmentedLog.MaxRecordReadings)
            {
                CloseRecord();
            }
        }

        if (noteStart >= 0)
        {
            CloseRecord();
            var note = buffer.AsSpan(noteStart, noteBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(note[SegmentFormat.RecordHeaderBytes..], (uint)(buffered - noteStart - noteBytes));
            SegmentFormat.SealRecord(note, SegmentFormat.DeliveryNoteRecord);
        }
    }

    /// <summary>Seals the readings record being filled, if any.</summary>
    public void CloseRecord()
    {
        if (openRecord < 0)
        {
            return;
        }

        var record = buffer.AsSpan(openRecord, buffered - openRecord);
        CompactReadings.WriteHeader(record, openRecordReadings, openRecordFirstTicks);
        SegmentFormat.SealRecord(record, SegmentFormat.CompactReadingsRecord);
        Pending.Add(new PendingRecord(openRecord, buffered, openRecordReadings, openRecordFirstTicks));
        openRecord = -1;
    }

    /// <summary>After the bytes are written: empties the buffer, keeping the series definitions of the segment.</summary>
    public void Written()
    {
        buffered = 0;
        definedNotWritten.Clear();
    }

    /// <summary>After a write failed: drops what was serialised, and the definitions that never reached the disk.</summary>
    public void Discard()
    {
        buffered = 0;
        openRecord = -1;
        Pending.Clear();
        foreach (var id in definedNotWritten)
        {
            defined[id] = false;
        }

        definedNotWritten.Clear();
    }

    /// <summary>At a new segment: every series is defined again before its first reading there.</summary>
    public void NewSegment() => Array.Clear(defined);

    private static int NoteBytes(int noteLength) =>
        noteLength == 0 ? 0 : SegmentFormat.RecordHeaderBytes + SegmentFormat.DeliveryNoteHeaderBytes + noteLength;

    private bool IsDefined(int seriesId) => (uint)seriesId < (uint)defined.Length && defined[seriesId];

    private void Define(int id, SeriesKey key)
    {
        CloseRecord();
        var length = SegmentFormat.DefinitionRecordBytes(key);
        EnsureBuffer(length);
        SegmentFormat.WriteDefinition(buffer.AsSpan(buffered, length), id, key);
        buffered += length;
        if (id >= defined.Length)
        {
            Array.Resize(ref defined, Math.Max(defined.Length * 2, id + 1));
        }

        defined[id] = true;
        definedNotWritten.Add(id);
    }

    private void EnsureBuffer(int more)
    {
        if (buffered + more > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, buffered + more));
        }
    }
}

/// <summary>A readings record serialised for the next write: its bounds in the commit's bytes, its readings and its first reading's time.</summary>
internal readonly record struct PendingRecord(int Start, int End, int Readings, long FirstTicks);
