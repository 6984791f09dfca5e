using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Loos.Edge.Core.LineProtocol;

/// <summary>
/// The readings of one write body, in storage reused from body to body: once the lists have grown to the size of the
/// bodies that arrive, parsing a body into them and appending it allocates nothing per reading.
/// </summary>
public sealed class PooledReadings : IDisposable
{
    // A list grown by an unusually large body (up to listener:maxBodyBytes) is let go rather than kept: 64 Ki readings
    // of 32 bytes is 2 MiB per concurrent request.
    private const int MaxKeptReadings = 64 * 1024;

    // More than the requests a Raspberry Pi handles at once; beyond it, lists are simply collected.
    private const int MaxPooled = 16;

    private static readonly ConcurrentQueue<PooledReadings> Pool = new();
    private static int pooled;

    private Reading[] array = [];

    private PooledReadings()
    {
    }

    /// <summary>Where the parser adds the readings.</summary>
    public List<Reading> List { get; } = [];

    /// <summary>The readings, for changes in place (stamping).</summary>
    public Span<Reading> Span => CollectionsMarshal.AsSpan(List);

    /// <summary>An empty instance from the pool, or a new one.</summary>
    public static PooledReadings Rent()
    {
        if (Pool.TryDequeue(out var readings))
        {
            Interlocked.Decrement(ref pooled);
            return readings;
        }

        return new PooledReadings();
    }

    /// <summary>The readings as memory for an append: valid until the next call or <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<Reading> AsMemory()
    {
        var count = List.Count;
        if (array.Length < count)
        {
            array = new Reading[List.Capacity];
        }

        CollectionsMarshal.AsSpan(List).CopyTo(array);
        return array.AsMemory(0, count);
    }

    /// <summary>Empties this instance and gives it back to the pool; it must not be used afterwards.</summary>
    public void Dispose()
    {
        List.Clear();
        if (List.Capacity > MaxKeptReadings)
        {
            return;
        }

        if (Interlocked.Increment(ref pooled) > MaxPooled)
        {
            Interlocked.Decrement(ref pooled);
            return;
        }

        Pool.Enqueue(this);
    }
}
