using Loos.Edge.Core;

namespace Loos.Edge.Forwarding.Tests.Support;

/// <summary>A buffer double: readings in a list, a consumer position per name, every acknowledgement recorded.</summary>
public sealed class InMemoryReadingLog : IReadingLog
{
    private readonly List<Reading> readings = [];
    private readonly Dictionary<string, Consumer> consumers = [];
    private readonly Lock gate = new();
    private TaskCompletionSource appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Append(IEnumerable<Reading> more)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            readings.AddRange(more);
            signal = appended;
            appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
    }

    public IBufferConsumer OpenConsumer(string name)
    {
        lock (gate)
        {
            if (!consumers.TryGetValue(name, out var consumer))
            {
                consumer = new Consumer(this);
                consumers[name] = consumer;
            }

            return consumer;
        }
    }

    /// <summary>How many readings consumer <paramref name="name"/> has acknowledged.</summary>
    public int Acknowledged(string name)
    {
        lock (gate)
        {
            return consumers.TryGetValue(name, out var consumer) ? consumer.Position : 0;
        }
    }

    /// <summary>The positions consumer <paramref name="name"/> read ahead from, in order.</summary>
    public IReadOnlyList<int> ReadAheadFrom(string name)
    {
        lock (gate)
        {
            return consumers.TryGetValue(name, out var consumer) ? [.. consumer.ReadAheadFrom] : [];
        }
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return readings.Count;
            }
        }
    }

    private sealed class Consumer(InMemoryReadingLog log) : IBufferConsumer
    {
        public int Position { get; private set; }

        /// <summary>The positions read ahead from, in order (<see cref="ReadAfterAsync"/>).</summary>
        public List<int> ReadAheadFrom { get; } = [];

        public ValueTask<BufferBatch> ReadAsync(int maxReadings, TimeSpan maxAge, CancellationToken cancellationToken) =>
            ReadFromAsync(null, maxReadings, cancellationToken);

        public ValueTask<BufferBatch> ReadAfterAsync(BufferPosition after, int maxReadings, TimeSpan maxAge, CancellationToken cancellationToken)
        {
            lock (log.gate)
            {
                ReadAheadFrom.Add((int)after.Offset);
            }

            return ReadFromAsync((int)after.Offset, maxReadings, cancellationToken);
        }

        private async ValueTask<BufferBatch> ReadFromAsync(int? after, int maxReadings, CancellationToken cancellationToken)
        {
            while (true)
            {
                Task wait;
                lock (log.gate)
                {
                    var start = Math.Max(after ?? 0, Position);
                    var available = log.readings.Count - start;
                    if (available > 0)
                    {
                        var count = Math.Min(available, maxReadings);
                        var slice = log.readings.GetRange(start, count).ToArray();
                        return new BufferBatch(slice, new BufferPosition(0, start + count));
                    }

                    wait = log.appended.Task;
                }

                await wait.WaitAsync(cancellationToken);
            }
        }

        public ValueTask AcknowledgeAsync(BufferBatch batch, CancellationToken cancellationToken)
        {
            lock (log.gate)
            {
                var end = (int)batch.End.Offset;
                Assert.True(end - batch.Readings.Length == Position, $"Acknowledged a batch ending at {end} from position {Position}.");
                Position = end;
            }

            return ValueTask.CompletedTask;
        }
    }
}
