using System.Buffers.Binary;

namespace Loos.Edge.Buffer;

/// <summary>Reads back the delivery notes of the latest appends (see <see cref="SegmentFormat.DeliveryNoteRecord"/>) when the buffer opens.</summary>
internal static class DeliveryNotes
{
    /// <summary>
    /// Enough for the sources that use notes: the MQTT source needs its last 1,000 messages, 10 bytes each. Notes are
    /// read from the newest segments back until this much is collected.
    /// </summary>
    private const int CollectedBytes = 256 * 1024;

    /// <summary>
    /// Each start opens a new segment, so a few starts without a note in between still find the last ones; bounded,
    /// since recovery has just read every segment once already.
    /// </summary>
    private const int SegmentsSearched = 4;

    /// <summary>The notes of the newest segments whose covered records are all intact, oldest first.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> ReadLatest(IReadOnlyList<Segment> segments)
    {
        var collected = new List<ReadOnlyMemory<byte>>();
        var bytes = 0;
        for (var index = segments.Count - 1; index >= 0 && index >= segments.Count - SegmentsSearched && bytes < CollectedBytes; index--)
        {
            var notes = ReadSegment(segments[index].Path);
            for (var note = notes.Count - 1; note >= 0 && bytes < CollectedBytes; note--)
            {
                collected.Add(notes[note]);
                bytes += notes[note].Length;
            }
        }

        collected.Reverse();
        return collected;
    }

    private static List<ReadOnlyMemory<byte>> ReadSegment(string path)
    {
        var notes = new List<ReadOnlyMemory<byte>>();
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            // Recovery has just read it; a file gone since holds no note that could still matter.
            return notes;
        }

        var offset = SegmentFormat.HeaderBytes;
        while (offset < data.Length)
        {
            var length = SegmentFormat.TryReadRecord(data.AsSpan(offset), out var type);
            if (length == 0)
            {
                // Damage or a torn tail: notes beyond it are not taken back, so at worst a redelivery is stored again.
                break;
            }

            if (type == SegmentFormat.DeliveryNoteRecord && length >= SegmentFormat.RecordHeaderBytes + SegmentFormat.DeliveryNoteHeaderBytes)
            {
                var covered = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + SegmentFormat.RecordHeaderBytes));
                if (CoversIntactRecords(data.AsSpan(offset + length), covered))
                {
                    var noteStart = offset + SegmentFormat.RecordHeaderBytes + SegmentFormat.DeliveryNoteHeaderBytes;
                    notes.Add(data.AsSpan(noteStart, offset + length - noteStart).ToArray());
                }
            }

            offset += length;
        }

        return notes;
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
