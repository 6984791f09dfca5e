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

        public async ValueTask<BufferBatch> ReadAsync(int maxReadings, TimeSpan maxAge, CancellationToken cancellationToken)
        {
            while (true)
            {
                Task wait;
                lock (log.gate)
                {
                    var available = log.readings.Count - Position;
                    if (available > 0)
                    {
                        var count = Math.Min(available, maxReadings);
                        var slice = log.readings.GetRange(Position, count).ToArray();
                        return new BufferBatch(slice, new BufferPosition(0, Position + count));
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
