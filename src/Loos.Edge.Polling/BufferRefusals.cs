using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Polling;

/// <summary>
/// What a polled source does when the buffer refuses a batch (<see cref="BufferFullException"/>): the readings are
/// counted as dropped and not retried, since the next poll brings fresh values and a retry would hold up the
/// schedule of every device on the bus. The refusal is logged at most once per <see cref="LogInterval"/>, with how
/// many readings were dropped since the previous line. Thread-safe.
/// </summary>
public sealed partial class BufferRefusals(string source, TimeProvider timeProvider, ILogger logger)
{
    /// <summary>The shortest time between two log lines about refused batches of one source.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private readonly IntervalCounter refusals = new(LogInterval, timeProvider);
    private long droppedSinceLog;
    private long droppedReadings;

    /// <summary>Every reading of this source the buffer refused.</summary>
    public long DroppedReadings => Interlocked.Read(ref droppedReadings);

    /// <summary>
    /// Appends <paramref name="readings"/> to <paramref name="sink"/>; true when the buffer took them, false when it
    /// refused them, in which case they are counted as dropped. Other failures are thrown.
    /// </summary>
    public async ValueTask<bool> TryAppendAsync(IReadingSink sink, ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        try
        {
            await sink.AppendAsync(readings, AppendDurability.Written, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (BufferFullException exception)
        {
            Interlocked.Add(ref droppedReadings, readings.Length);
            Interlocked.Add(ref droppedSinceLog, readings.Length);
            if (refusals.Count(source, out var batches))
            {
                LogDropped(logger, source, Interlocked.Exchange(ref droppedSinceLog, 0), batches, exception.Message);
            }

            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Source}: the buffer refused readings; dropped since the last report: {Readings} reading(s) in {Batches} batch(es); the next polls bring fresh values: {Reason}")]
    private static partial void LogDropped(ILogger logger, string source, long readings, long batches, string reason);
}
