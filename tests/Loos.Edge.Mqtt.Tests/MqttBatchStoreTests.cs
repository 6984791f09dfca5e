using Loos.Edge.Core;
using Loos.Edge.Testing;
using static Loos.Edge.Mqtt.Tests.SourceTestSupport;

namespace Loos.Edge.Mqtt.Tests;

/// <summary>A batch of MQTT readings written to a buffer that refuses for a while, on a fake clock.</summary>
public sealed class MqttBatchStoreTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Append_BufferFullThenFailing_WaitsAsToldThenOneSecond_AndStoresTheBatchOnce()
    {
        var sink = new ScriptedSink(new BufferFullException { RetryAfter = TimeSpan.FromSeconds(3) }, new BufferFullException { RetryAfter = TimeSpan.FromSeconds(3) }, new IOException("disk gone"));
        var time = new WatchedTimeProvider(Start);
        var log = new ListLogger<MqttSourceService>();
        var store = new MqttBatchStore(sink, () => 0, time, log);

        var appending = store.AppendAsync(Batch(), [], batchGeneration: 0, CancellationToken.None).AsTask();
        TimeSpan[] waits = [TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1)];
        for (var refusal = 1; refusal <= waits.Length; refusal++)
        {
            await AdvanceThroughWaitAsync(time, waits[refusal - 1], refusal);
            var attempt = refusal + 1;
            await WaitUntilAsync(() => sink.Attempts == attempt, $"attempt {attempt}");
        }

        Assert.True(await appending);
        Assert.Equal([1.0, 2.0], sink.Stored.Select(r => r.Value));
        Assert.Equal(4, sink.Attempts);
        Assert.Single(log.Messages, m => m.StartsWith("MQTT: the buffer is full; 2 reading(s) stay unacknowledged", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Messages, m => m.StartsWith("MQTT: appending", StringComparison.Ordinal));
        Assert.Contains("MQTT: the buffer accepts readings again after 3 refusal(s)", log.Messages);
    }

    [Fact]
    public async Task Append_StoppedWhileWaiting_GivesUpWithoutStoring()
    {
        var sink = new ScriptedSink(new BufferFullException { RetryAfter = TimeSpan.FromMinutes(1) });
        var time = new WatchedTimeProvider(Start);
        var store = new MqttBatchStore(sink, () => 0, time, new ListLogger<MqttSourceService>());
        using var stopping = new CancellationTokenSource();

        var appending = store.AppendAsync(Batch(), [], batchGeneration: 0, stopping.Token).AsTask();
        await WaitUntilAsync(() => time.Armed.Count == 1, "the wait after the refusal");
        await stopping.CancelAsync();

        Assert.False(await appending);
        Assert.Empty(sink.Stored);
        Assert.Equal(1, sink.Attempts);
    }

    [Fact]
    public async Task Append_ConnectionLostWhileWaiting_LeavesTheBatchToTheBroker()
    {
        var sink = new ScriptedSink(new BufferFullException { RetryAfter = TimeSpan.FromSeconds(2) });
        var time = new WatchedTimeProvider(Start);
        var generation = 7;
        var store = new MqttBatchStore(sink, () => Volatile.Read(ref generation), time, new ListLogger<MqttSourceService>());

        var appending = store.AppendAsync(Batch(), [], batchGeneration: 7, CancellationToken.None).AsTask();
        await WaitUntilAsync(() => time.Armed.Count == 1, "the wait after the refusal");
        Volatile.Write(ref generation, 8);
        await AdvanceThroughWaitAsync(time, TimeSpan.FromSeconds(2), 1);

        Assert.False(await appending);
        Assert.Empty(sink.Stored);
        Assert.Equal(1, sink.Attempts);
    }

    private static List<Reading> Batch() => [new Reading(new SeriesId(1), Start, 1), new Reading(new SeriesId(1), Start.AddSeconds(1), 2)];

    /// <summary>Waits for the <paramref name="armed"/>th timer, checks that it is due after <paramref name="wait"/>, and lets it fire.</summary>
    private static async Task AdvanceThroughWaitAsync(WatchedTimeProvider time, TimeSpan wait, int armed)
    {
        await WaitUntilAsync(() => time.Armed.Count >= armed, $"wait {armed}");
        Assert.Equal(armed, time.Armed.Count);
        Assert.Equal(wait, time.Armed[armed - 1] - time.GetUtcNow());

        // The timer is noted as armed just before it is made: give it the moment to exist.
        await Task.Delay(50);
        time.Advance(wait);
    }

    /// <summary>Refuses with each of <c>failures</c> in turn, then stores.</summary>
    private sealed class ScriptedSink(params Exception[] failures) : IReadingSink
    {
        private readonly List<Reading> stored = [];
        private int attempts;

        public int Attempts => Volatile.Read(ref attempts);

        public IReadOnlyList<Reading> Stored
        {
            get
            {
                lock (stored)
                {
                    return [.. stored];
                }
            }
        }

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> batch, CancellationToken cancellationToken = default)
        {
            var attempt = Interlocked.Increment(ref attempts);
            if (attempt <= failures.Length)
            {
                throw failures[attempt - 1];
            }

            lock (stored)
            {
                stored.AddRange(batch.ToArray());
            }

            return ValueTask.CompletedTask;
        }
    }
}
