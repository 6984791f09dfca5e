using Loos.Edge.Core;
using Loos.Edge.Rollups;
using Loos.Edge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Rollups.Tests;

/// <summary>The rollup service's own waits run on the gateway's clock, so that windows close on time on a fake clock too.</summary>
public sealed class RollupServiceClockTests
{
    [Fact]
    public async Task An_idle_buffer_wakes_the_rollups_after_five_seconds_of_the_injected_clock()
    {
        var start = new DateTimeOffset(2026, 1, 15, 8, 0, 0, TimeSpan.Zero);
        var clock = new WatchedTimeProvider(start);
        var log = new IdleReadingLog();
        using var service = new RollupService(new RollupOptions { Enabled = true }, _ => null, log, new DiscardingSink(), new SeriesCatalog(), clock, NullLogger<RollupService>.Instance);

        await service.StartAsync(CancellationToken.None);
        try
        {
            // An idle buffer never answers the read: only the service's own wake ends it, on the injected clock.
            await clock.WaitUntilArmedAsync(start + TimeSpan.FromSeconds(5));
            await WaitForReadsAsync(log, 1);
            clock.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
            Assert.Equal(1, log.Reads);
            clock.Advance(TimeSpan.FromTicks(1));
            await WaitForReadsAsync(log, 2);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private static async Task WaitForReadsAsync(IdleReadingLog log, int reads)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (log.Reads < reads && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.Equal(reads, log.Reads);
    }

    /// <summary>A buffer with nothing in it: a read waits until it is cancelled.</summary>
    private sealed class IdleReadingLog : IReadingLog, IBufferConsumer
    {
        private int reads;

        public int Reads => Volatile.Read(ref reads);

        public IBufferConsumer OpenConsumer(string name) => this;

        public async ValueTask<BufferBatch> ReadAsync(int maxReadings, TimeSpan maxAge, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref reads);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public ValueTask<BufferBatch> ReadAfterAsync(BufferPosition after, int maxReadings, TimeSpan maxAge, CancellationToken cancellationToken) =>
            ReadAsync(maxReadings, maxAge, cancellationToken);

        public ValueTask AcknowledgeAsync(BufferBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class DiscardingSink : IReadingSink
    {
        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
