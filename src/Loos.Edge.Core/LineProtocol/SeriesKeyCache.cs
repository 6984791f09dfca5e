using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Loos.Edge.Core.LineProtocol;

/// <summary>
/// Maps the raw bytes of a line's series part and field key (plus the field type) to the interned id, so that a series
/// already seen costs one hash lookup and no allocation.
/// </summary>
internal sealed class SeriesKeyCache
{
    // Bounds memory when a client keeps inventing series; the catalogue still holds every id, so clearing only
    // costs re-parsing the names once. 65 536 entries of ~100 bytes is a few MiB on a Raspberry Pi.
    internal const int MaxEntries = 1 << 16;

    private readonly ConcurrentDictionary<byte[], SeriesId> entries = new(RawKeyComparer.Instance);
    private readonly ConcurrentDictionary<byte[], SeriesId>.AlternateLookup<ReadOnlySpan<byte>> lookup;
    private int count;

    public SeriesKeyCache()
    {
        lookup = entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryGet(ReadOnlySpan<byte> rawKey, out SeriesId id) => lookup.TryGetValue(rawKey, out id);

    public void Add(ReadOnlySpan<byte> rawKey, SeriesId id)
    {
        if (Interlocked.Increment(ref count) > MaxEntries)
        {
            entries.Clear();
            Volatile.Write(ref count, 1);
        }

        lookup.TryAdd(rawKey, id);
    }

    private sealed class RawKeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly RawKeyComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
