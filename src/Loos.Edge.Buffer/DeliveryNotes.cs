using System.Buffers.Binary;

namespace Loos.Edge.Buffer;

/// <summary>Takes back the delivery notes of the latest appends (see <see cref="SegmentFormat.DeliveryNoteRecord"/>) from the recovery scan when the buffer opens.</summary>
internal static class DeliveryNotes
{
    /// <summary>
    /// Enough for the sources that use notes: the MQTT source needs its last 1,000 messages, 10 bytes each. Notes are
    /// read from the newest segments back until this much is collected.
    /// </summary>
    private const int CollectedBytes = 256 * 1024;

    /// <summary>
    /// Each start opens a new segment, so a few starts without a note in between still find the last ones.
    /// </summary>
    private const int SegmentsSearched = 4;

    /// <summary>
    /// The notes to take back from the segments' notes (<see cref="ScannedSegment.DeliveryNotes"/>, oldest segment
    /// first): those of the newest <see cref="SegmentsSearched"/> segments, newest first until <see cref="CollectedBytes"/>,
    /// returned oldest first.
    /// </summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Latest(IReadOnlyList<IReadOnlyList<ReadOnlyMemory<byte>>> notesPerSegment)
    {
        var collected = new List<ReadOnlyMemory<byte>>();
        var bytes = 0;
        for (var index = notesPerSegment.Count - 1; index >= 0 && index >= notesPerSegment.Count - SegmentsSearched && bytes < CollectedBytes; index--)
        {
            var notes = notesPerSegment[index];
            for (var note = notes.Count - 1; note >= 0 && bytes < CollectedBytes; note--)
            {
                collected.Add(notes[note]);
                bytes += notes[note].Length;
            }
        }

        collected.Reverse();
        return collected;
    }

    /// <summary>
    /// The note of <paramref name="record"/> (a valid delivery-note record) when every record it covers follows intact
    /// in <paramref name="following"/>; a note never comes back without its readings.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> record, ReadOnlySpan<byte> following, out ReadOnlyMemory<byte> note)
    {
        note = default;
        if (record.Length < SegmentFormat.RecordHeaderBytes + SegmentFormat.DeliveryNoteHeaderBytes)
        {
            return false;
        }

        var covered = BinaryPrimitives.ReadUInt32LittleEndian(record[SegmentFormat.RecordHeaderBytes..]);
        if (!CoversIntactRecords(following, covered))
        {
            return false;
        }

        note = record[(SegmentFormat.RecordHeaderBytes + SegmentFormat.DeliveryNoteHeaderBytes)..].ToArray();
        return true;
    }

    private static bool CoversIntactRecords(ReadOnlySpan<byte> following, uint covered)
    {
        if (covered > following.Length)
        {
            return false;
        }

        var at = 0;
        while (at < covered)
        {
            var length = SegmentFormat.TryReadRecord(following[at..], out _);
            if (length == 0)
            {
                return false;
            }

            at += length;
        }

        return at == covered;
    }
}
