using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Buffer;

/// <summary>
/// The durable buffer: sources append to it, forwarding targets read from it, the health endpoint watches it.
/// Disposing it writes pending appends and closes its files.
/// </summary>
public interface IDurableBuffer : IDeliveryJournal, IReadingLog, IBufferMonitor, ILoopProgressSource, IAsyncDisposable, IDisposable
{
    /// <summary>Readings the disk cap deleted before <paramref name="consumerName"/> had acknowledged them, since the buffer was opened.</summary>
    long GetEvictedReadings(string consumerName);
}

/// <summary>Opens the durable buffer without dependency injection (tests, tools).</summary>
public static class DurableBuffer
{
    /// <summary>
    /// Opens (or creates) the buffer in <see cref="BufferOptions.Directory"/>, recovering every segment: damaged
    /// records are skipped, logged and counted, never fatal. New appends go to a new segment.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names the configuration key.</exception>
    /// <exception cref="InvalidDataException">A segment or checkpoint was written by a newer format version.</exception>
    /// <exception cref="IOException">The directory cannot be used, or another process has the buffer open.</exception>
    public static IDurableBuffer Open(BufferOptions options, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var errors = BufferOptionsValidator.Check(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        return SegmentedLog.Open(options, catalog, timeProvider, logger);
    }
}
