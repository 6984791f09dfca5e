using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Polling;

/// <summary>
/// What a counter source does when the buffer refuses a batch (<see cref="BufferFullException"/>): its readings
/// cannot be read again later (an interval's pulses become its power once), so the batch is kept, in order, and
/// appended before the next one; nothing is dropped. Logged when the buffer starts refusing and when it accepts
/// again. Not thread-safe: one loop owns it.
/// </summary>
public sealed partial class HeldReadings(string source, ILogger logger)
{
    private readonly List<Reading> held = [];

    /// <summary>How many readings wait for the buffer.</summary>
    public int Count => held.Count;

    /// <summary>
    /// Appends the readings held so far, then <paramref name="readings"/>, as one batch; returns how many the buffer
    /// took (0 when it refused them: they are held for the next call). Other failures are thrown, and the readings
    /// held stay held.
    /// </summary>
    public async ValueTask<int> AppendAsync(IReadingSink sink, IReadOnlyCollection<Reading> readings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(readings);
        if (held.Count + readings.Count == 0)
        {
            return 0;
        }

        Reading[] batch = [.. held, .. readings];
        try
        {
            await sink.AppendAsync(batch, AppendDurability.Written, cancellationToken).ConfigureAwait(false);
        }
        catch (BufferFullException exception)
        {
            if (held.Count == 0)
            {
                LogHolding(logger, source, exception.Message);
            }

            held.Clear();
            held.AddRange(batch);
            return 0;
        }

        if (held.Count > 0)
        {
            LogReleased(logger, source, held.Count);
            held.Clear();
        }

        return batch.Length;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Source}: the buffer refuses the readings ({Reason}); they are kept and sent at the next ticks")]
    private static partial void LogHolding(ILogger logger, string source, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Source}: the buffer accepts the readings again; the {Count} readings kept meanwhile are sent")]
    private static partial void LogReleased(ILogger logger, string source, int count);
}
