using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Loos.Edge.Mqtt;

/// <summary>
/// The messages whose readings are durable but whose acknowledgement may not have reached the broker: the last
/// <see cref="MqttSourceService.ReceiveMaximum"/> stored (the broker holds no more unacknowledged), each known by its
/// packet identifier and a hash of topic and payload. A redelivery (DUP flag set) of one of them is acknowledged
/// without storing its readings again. Their note is written in the same buffer commit as their readings, so that
/// the next run, after a crash between the fsync and the acknowledgements, knows them too.
/// </summary>
/// <remarks>
/// Only a message with the DUP flag can match, and only while no newer message took its packet identifier: the broker
/// reuses an identifier only after the acknowledgement of the message that had it, so from then on that message can no
/// longer come back. A new message with an equal payload therefore is never taken for a redelivery.
/// Not thread-safe: used by the one loop that processes batches.
/// </remarks>
internal sealed class StoredMessages
{
    // Note layout: uint8 version, uint16 count, count × (uint16 packet identifier, uint64 hash), little-endian.
    private const byte NoteVersion = 1;
    private const int NoteHeaderBytes = 3;
    private const int EntryBytes = 2 + 8;

    private readonly int capacity;
    private readonly Dictionary<ushort, Entry> byPacketIdentifier = [];
    private readonly Queue<(ushort PacketIdentifier, long Sequence)> order = new();
    private long sequence;

    public StoredMessages(int capacity) => this.capacity = capacity;

    /// <summary>How many stored messages could still come back.</summary>
    public int Count => byPacketIdentifier.Count;

    /// <summary>The identity of a message: its hash of topic and payload.</summary>
    public static ulong Hash(string topic, ReadOnlySpan<byte> payload)
    {
        var hash = new XxHash3();
        hash.Append(Encoding.UTF8.GetBytes(topic));
        hash.Append([0]);
        hash.Append(payload);
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Takes back the notes the buffer kept from the previous runs, oldest first; a note it cannot read is skipped.</summary>
    public void Load(IEnumerable<ReadOnlyMemory<byte>> notes)
    {
        foreach (var memory in notes)
        {
            var note = memory.Span;
            if (note.Length < NoteHeaderBytes || note[0] != NoteVersion)
            {
                continue;
            }

            int count = BinaryPrimitives.ReadUInt16LittleEndian(note[1..]);
            if (note.Length != NoteHeaderBytes + (count * EntryBytes))
            {
                continue;
            }

            for (var i = 0; i < count; i++)
            {
                var entry = note.Slice(NoteHeaderBytes + (i * EntryBytes), EntryBytes);
                Add(BinaryPrimitives.ReadUInt16LittleEndian(entry), BinaryPrimitives.ReadUInt64LittleEndian(entry[2..]));
            }
        }
    }

    /// <summary>
    /// Whether a message received now is the redelivery of one already stored; true at most once per stored message.
    /// A message without the DUP flag is new: the identifier it carries can no longer belong to a stored one.
    /// </summary>
    public bool IsStoredRedelivery(ushort packetIdentifier, bool duplicate, ulong hash)
    {
        if (!byPacketIdentifier.TryGetValue(packetIdentifier, out var entry))
        {
            return false;
        }

        byPacketIdentifier.Remove(packetIdentifier);
        return duplicate && entry.Hash == hash;
    }

    /// <summary>The note of messages about to be stored, for the buffer to keep with their readings.</summary>
    public static byte[] Note(IReadOnlyList<(ushort PacketIdentifier, ulong Hash)> messages)
    {
        // A batch is at most ReceiveMaximum (1000) messages: the count fits its uint16.
        var note = new byte[NoteHeaderBytes + (messages.Count * EntryBytes)];
        note[0] = NoteVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(note.AsSpan(1), (ushort)messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var entry = note.AsSpan(NoteHeaderBytes + (i * EntryBytes), EntryBytes);
            BinaryPrimitives.WriteUInt16LittleEndian(entry, messages[i].PacketIdentifier);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[2..], messages[i].Hash);
        }

        return note;
    }

    /// <summary>Remembers messages whose readings are now durable.</summary>
    public void Stored(IReadOnlyList<(ushort PacketIdentifier, ulong Hash)> messages)
    {
        foreach (var (packetIdentifier, hash) in messages)
        {
            Add(packetIdentifier, hash);
        }
    }

    private void Add(ushort packetIdentifier, ulong hash)
    {
        sequence++;
        byPacketIdentifier[packetIdentifier] = new Entry(hash, sequence);
        order.Enqueue((packetIdentifier, sequence));
        while (order.Count > capacity)
        {
            var (oldIdentifier, oldSequence) = order.Dequeue();
            if (byPacketIdentifier.TryGetValue(oldIdentifier, out var old) && old.Sequence == oldSequence)
            {
                byPacketIdentifier.Remove(oldIdentifier);
            }
        }
    }

    private readonly record struct Entry(ulong Hash, long Sequence);
}
