using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Forwarding.Clock;
using Loos.Edge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Forwarding.Tests.Clock;

/// <summary>
/// While the clock is not yet trusted every source's append passes the clock gate: one source waiting for its fsync
/// must not hold the others back, and readings still on their way to the disk when the clock is synchronised must be
/// released with the rest.
/// </summary>
public sealed class ClockGateAppendTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ThreeYears = TimeSpan.FromDays(3 * 365);
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-clock-append-").FullName;
    private readonly SeriesCatalog catalog = new();
    private readonly SteppedClock clock = new(TimeProvider.System) { WallError = -ThreeYears };
    private readonly SwitchableClockTrust trust = new();

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task WhileUnsynchronised_ASourceWaitingForItsFsync_DoesNotHoldBackAnother()
    {
        await using var main = new HeldFsyncBuffer(OpenMain());
        await using var gate = NewGate(main);
        await gate.StartAsync(CancellationToken.None);

        // Peer-timed readings (a listener body with its own timestamps) pass the gate into the main buffer.
        var peerTime = clock.TrueNow.AddHours(-1);
        var first = gate.AppendAsync(new[] { new Reading(Series("peer-a"), peerTime, 1) }).AsTask();
        await main.WaitForAppendsAsync(1);
        Assert.False(first.IsCompleted, "the first append did not wait for its fsync");

        var second = gate.AppendAsync(new[] { new Reading(Series("peer-b"), peerTime, 2) }).AsTask();
        await main.WaitForAppendsAsync(2);

        main.CompleteFsyncs();
        await Task.WhenAll(first, second).WaitAsync(Patience);
        Assert.Equal(2, Unsent(main));
    }

    [Fact]
    public async Task HeldAppendsStillOnTheirWayToDisk_WhenTheClockIsSynchronised_AreReleasedCorrected()
    {
        const int Sources = 8;
        const int AppendsPerSource = 40;
        await using var main = OpenMain();
        await using var gate = NewGate(main);
        await gate.StartAsync(CancellationToken.None);

        // Polls stamped by the stale clock keep arriving from several sources while NTP steps the clock.
        var appending = Enumerable.Range(0, Sources).Select(source => Task.Run(async () =>
        {
            for (var i = 0; i < AppendsPerSource; i++)
            {
                await gate.AppendAsync(new[] { new Reading(Series($"meter-{source}"), clock.GetUtcNow(), i) });
            }
        })).ToArray();
        await WaitUntilAsync(() => gate.GetClockStatus().HeldReadings > 0, "no reading was held");
        clock.WallError = TimeSpan.Zero;
        trust.Synchronised = true;
        Assert.True(await gate.CheckAsync(CancellationToken.None));
        await Task.WhenAll(appending).WaitAsync(Patience);

        var consumer = main.OpenConsumer("check");
        var batch = await consumer.ReadAsync(Sources * AppendsPerSource * 2, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(Sources * AppendsPerSource, batch.Readings.Length);
        var earliestTrue = clock.TrueNow - TimeSpan.FromMinutes(5);
        Assert.All(batch.Readings.ToArray(), reading => Assert.InRange(reading.Timestamp, earliestTrue, clock.TrueNow));
        Assert.Equal(0, gate.GetClockStatus().HeldReadings);
    }

    private IDurableBuffer OpenMain() =>
        DurableBuffer.Open(new BufferOptions { Directory = Path.Combine(directory, "buffer") }, catalog, clock, NullLogger.Instance);

    private ClockGate NewGate(IDurableBuffer main)
    {
        // The longest commit delay keeps each held append on its way to the disk for a while.
        var held = new BufferOptions { Directory = Path.Combine(directory, "buffer", ClockGate.HeldFolder), MaxCommitDelay = BufferOptions.MaxCommitDelayLimit };
        var settings = new ClockGateSettings(held, Path.Combine(directory, ClockGate.SetAsideFileName), SetAsideMaxBytes: 1 << 20);
        return new ClockGate(main, trust, settings, catalog, clock, Guid.NewGuid(), NullLogger.Instance);
    }

    private SeriesId Series(string meter) => catalog.Intern(new SeriesKey("energy", [new Tag("meter", meter)], "wh", "Wh"));

    private static long Unsent(IDurableBuffer buffer)
    {
        buffer.OpenConsumer("check");
        return buffer.GetStatistics().Consumers.First(c => c.Name == "check").UnsentReadings;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(5);
        }
    }

    /// <summary>A main buffer whose appends are queued at once but reported durable only when the test says so.</summary>
    private sealed class HeldFsyncBuffer(IDurableBuffer inner) : IDurableBuffer
    {
        private readonly TaskCompletionSource fsynced = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int appends;

        public IReadOnlyList<ReadOnlyMemory<byte>> RecoveredDeliveryNotes => inner.RecoveredDeliveryNotes;

        public IEnumerable<LoopProgress> Loops => inner.Loops;

        public Task WaitForAppendsAsync(int count) => WaitUntilAsync(() => Volatile.Read(ref appends) >= count, $"{Volatile.Read(ref appends)} of {count} appends reached the buffer");

        public void CompleteFsyncs() => fsynced.TrySetResult();

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) =>
            AppendAsync(readings, ReadOnlyMemory<byte>.Empty, AppendDurability.Synced, cancellationToken);

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, AppendDurability durability, CancellationToken cancellationToken = default) =>
            AppendAsync(readings, ReadOnlyMemory<byte>.Empty, durability, cancellationToken);

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, CancellationToken cancellationToken = default) =>
            AppendAsync(readings, deliveryNote, AppendDurability.Synced, cancellationToken);

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, AppendDurability durability, CancellationToken cancellationToken = default)
        {
            var queued = inner.AppendAsync(readings, deliveryNote, durability, cancellationToken).AsTask();
            Interlocked.Increment(ref appends);
            return new ValueTask(WhenFsyncedAsync(queued));
        }

        public IBufferConsumer OpenConsumer(string name) => inner.OpenConsumer(name);

        public BufferStatistics GetStatistics() => inner.GetStatistics();

        public long GetEvictedReadings(string consumerName) => inner.GetEvictedReadings(consumerName);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        public void Dispose() => inner.Dispose();

        private async Task WhenFsyncedAsync(Task queued)
        {
            await queued;
            await fsynced.Task;
        }
    }
}
