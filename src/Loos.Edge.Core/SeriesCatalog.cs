using System.Collections.Concurrent;

namespace Loos.Edge.Core;

/// <summary>The process-wide series catalogue: ids are dense, starting at 0, never reused.</summary>
public sealed class SeriesCatalog : ISeriesCatalog
{
    private readonly ConcurrentDictionary<SeriesKey, SeriesId> ids = new();
    private readonly Lock gate = new();
    private SeriesKey[] keys = new SeriesKey[64];
    private int count;

    public int Count => Volatile.Read(ref count);

    public SeriesKey this[SeriesId id]
    {
        get
        {
            var snapshot = Volatile.Read(ref keys);
            if ((uint)id.Value >= (uint)Count || snapshot[id.Value] is not { } key)
            {
                throw new KeyNotFoundException($"Series {id} is not in the catalogue.");
            }

            return key;
        }
    }

    public SeriesId Intern(SeriesKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (ids.TryGetValue(key, out var id))
        {
            return id;
        }

        lock (gate)
        {
            if (ids.TryGetValue(key, out id))
            {
                return id;
            }

            if (count == keys.Length)
            {
                var grown = new SeriesKey[keys.Length * 2];
                keys.CopyTo(grown, 0);
                Volatile.Write(ref keys, grown);
            }

            id = new SeriesId(count);
            keys[count] = key;
            Volatile.Write(ref count, count + 1);
            ids[key] = id;
            return id;
        }
    }
}
