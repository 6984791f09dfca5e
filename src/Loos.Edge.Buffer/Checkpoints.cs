using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Buffer;

/// <summary>
/// Writes the consumers' checkpoints (<c>consumers/&lt;name&gt;.pos</c>). A checkpoint the disk refuses is not an
/// error of the acknowledgement: the position holds in memory, <see cref="Error"/> says so, and it is written again
/// with the next one. After an acknowledgement a checkpoint is written at most every <paramref name="writeInterval"/>
/// (<see cref="BufferOptions.CheckpointInterval"/>; every time when zero), and at a clean stop: a crash meanwhile only
/// sends the readings acknowledged since again, which a target that stores points by series and time keeps once.
/// </summary>
internal sealed class Checkpoints(SegmentIndex index, TimeSpan writeInterval, TimeProvider timeProvider, ILogger logger)
{
    private string? error;

    /// <summary>Why the last checkpoint could not be written; null once one is written again. Under the index's lock.</summary>
    public string? Error => error;

    public bool Failing => Volatile.Read(ref error) is not null;

    public void Write(ConsumerState consumer)
    {
        // Under the consumer's own lock, so that two acknowledgements cannot write their positions out of order.
        lock (consumer.CheckpointGate)
        {
            BufferPosition position;
            lock (index.Gate)
            {
                position = consumer.Position;
            }

            StateFiles.WriteCheckpoint(index.Directory, new ConsumerCheckpoint(consumer.Name, position));
            consumer.WrittenPosition = position;
            consumer.WrittenTimestamp = timeProvider.GetTimestamp();
        }
    }

    /// <summary>After an acknowledgement: writes the checkpoint unless one was written less than the write interval ago.</summary>
    public bool TryWriteAcknowledged(ConsumerState consumer)
    {
        if (writeInterval > TimeSpan.Zero && !Failing)
        {
            lock (consumer.CheckpointGate)
            {
                if (consumer.WrittenPosition is not null && timeProvider.GetElapsedTime(consumer.WrittenTimestamp) < writeInterval)
                {
                    return true;
                }
            }
        }

        return TryWrite(consumer);
    }

    /// <summary>At a clean stop: writes every position acknowledged since its checkpoint was last written.</summary>
    public void WriteAcknowledged()
    {
        foreach (var consumer in index.ConsumerStates())
        {
            bool behind;
            lock (consumer.CheckpointGate)
            lock (index.Gate)
            {
                behind = consumer.WrittenPosition != consumer.Position;
            }

            if (behind)
            {
                TryWrite(consumer);
            }
        }
    }

    public bool TryWrite(ConsumerState consumer)
    {
        try
        {
            Write(consumer);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            string? before;
            lock (index.Gate)
            {
                before = error;
                error = $"cannot write the checkpoint of '{consumer.Name}' in '{index.Directory}': {exception.Message}";
            }

            if (before is null)
            {
                Log.CheckpointFailed(logger, consumer.Name, exception);
            }

            return false;
        }

        bool recovered;
        lock (index.Gate)
        {
            recovered = error is not null;
            error = null;
        }

        if (recovered)
        {
            // Others may have failed meanwhile too: write them all now that the disk takes writes again.
            foreach (var other in index.ConsumerStates())
            {
                if (!ReferenceEquals(other, consumer) && !TryWrite(other))
                {
                    return false;
                }
            }

            Log.CheckpointsWrittenAgain(logger, index.Directory);
        }

        return true;
    }

    /// <summary>Writes every checkpoint again, as soon as the disk takes writes after some failed.</summary>
    public void RetryFailed()
    {
        if (!Failing)
        {
            return;
        }

        foreach (var consumer in index.ConsumerStates())
        {
            TryWrite(consumer);
        }
    }
}
