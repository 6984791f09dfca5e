using System.Globalization;
using System.Text;
using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Buffer;

/// <summary>
/// Keeps the segments under <see cref="BufferOptions.CapBytes"/> and deletes those every consumer has acknowledged:
/// at the cap the oldest segment is evicted (or the append refused), each reading not yet acknowledged counted as
/// evicted, per consumer and in <c>evicted.total</c>. Every method runs under the index's lock.
/// </summary>
internal sealed class SegmentRetention(SegmentIndex index, BufferOptions options, ILogger logger)
{
    /// <summary>Evicts oldest segments, or refuses the append, so that <paramref name="bytes"/> more fit under the cap.</summary>
    public void MakeRoom(long bytes)
    {
        lock (index.Gate)
        {
            while (index.BytesOnDisk + bytes > options.CapBytes)
            {
                if (!options.EvictWhenFull)
                {
                    throw new BufferFullException(
                        $"The buffer in '{index.Directory}' reached buffer:capBytes ({options.CapBytes} bytes) and buffer:evictWhenFull is false; nothing was appended.");
                }

                if (index.Segments.Count < 2)
                {
                    return;
                }

                EvictOldest();
            }
        }
    }

    /// <summary>Deletes the oldest segments every known consumer has acknowledged; none while no consumer exists.</summary>
    public void DeleteAcknowledgedSegments()
    {
        while (index.Consumers.Count > 0 && index.Segments.Count > 1)
        {
            var oldest = index.Segments[0];
            foreach (var consumer in index.Consumers.Values)
            {
                if (consumer.Position.Segment < oldest.Number
                    || (consumer.Position.Segment == oldest.Number && oldest.ReadingsAfter(consumer.Position.Offset) > 0))
                {
                    return;
                }
            }

            try
            {
                File.Delete(oldest.Path);
            }
            catch (IOException exception)
            {
                logger.LogWarning(exception, "Could not delete the acknowledged buffer segment {File}; it is retried after the next acknowledgement.", oldest.Path);
                return;
            }

            index.RemoveOldest();
        }
    }

    /// <summary>
    /// Batches read before their segment was evicted were counted as evicted, yet the target just acknowledged them (up
    /// to <paramref name="acknowledged"/>): take them off the count, so that the evicted count is exactly what never
    /// reached the target.
    /// </summary>
    public void ForgiveEvictedButDelivered(ConsumerState consumer, BufferPosition acknowledged)
    {
        long delivered = 0;
        var batches = 0;
        for (; batches < consumer.Unacknowledged.Count && consumer.Unacknowledged[batches].End <= acknowledged; batches++)
        {
            foreach (var read in consumer.Unacknowledged[batches].Reads)
            {
                if (read.Segment.Number < index.Segments[0].Number)
                {
                    delivered += read.Take;
                }
            }
        }

        consumer.Unacknowledged.RemoveRange(0, batches);

        if (delivered == 0)
        {
            return;
        }

        consumer.EvictedReadings -= delivered;

        // The total is the worst consumer's loss; with several consumers it stays an upper bound.
        if (index.Consumers.Count == 1)
        {
            index.EvictedTotal -= delivered;
            StateFiles.WriteEvictedTotal(index.Directory, index.EvictedTotal);
        }
    }

    private void EvictOldest()
    {
        var oldest = index.Segments[0];
        long lost = index.Consumers.Count == 0 ? oldest.Readings : 0;
        var perConsumer = new StringBuilder();
        foreach (var consumer in index.Consumers.Values)
        {
            var unread = consumer.Position.Segment < oldest.Number ? oldest.Readings
                : consumer.Position.Segment == oldest.Number ? oldest.ReadingsAfter(consumer.Position.Offset)
                : 0;
            consumer.EvictedReadings += unread;
            lost = Math.Max(lost, unread);
            perConsumer.Append(perConsumer.Length == 0 ? string.Empty : ", ").Append(consumer.Name).Append(": ").Append(unread.ToString(CultureInfo.InvariantCulture));
        }

        if (lost > 0)
        {
            // Counted before the file goes: a crash in between over-counts rather than hides a loss.
            index.EvictedTotal += lost;
            StateFiles.WriteEvictedTotal(index.Directory, index.EvictedTotal);
        }

        File.Delete(oldest.Path);
        index.RemoveOldest();
        if (lost > 0)
        {
            Log.Evicted(logger, options.CapBytes, oldest.FileName, lost, perConsumer.Length == 0 ? "no consumer yet" : perConsumer.ToString());
        }
    }
}
