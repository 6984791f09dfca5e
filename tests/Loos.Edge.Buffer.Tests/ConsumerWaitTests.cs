using Loos.Edge.Core;
using Loos.Edge.Testing;

namespace Loos.Edge.Buffer.Tests;

public sealed class ConsumerWaitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static (IDurableBuffer Buffer, SeriesId Series, WatchedTimeProvider Time) Open(TempDirectory directory)
    {
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var time = new WatchedTimeProvider(Start);
        return (Buffers.Open(directory.Path, catalog, time: time, configure: o => o.MaxCommitDelay = TimeSpan.Zero), series, time);
    }

    [Fact]
    public async Task ReadAsync_FewerThanMaxReadings_ReturnsWhenTheOldestHasWaitedMaxAge()
    {
        using var directory = new TempDirectory();
        var (buffer, series, time) = Open(directory);
        await using var _ = buffer;
        var consumer = buffer.OpenConsumer("target");
        await buffer.AppendAsync(Buffers.Sequence(series, 0, 2));

        var read = consumer.ReadAsync(10, TimeSpan.FromSeconds(5), CancellationToken.None).AsTask();
        await time.WaitUntilArmedAsync(Start + TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(4.999));
        Assert.Empty(time.Fired);
        Assert.False(read.IsCompleted, "returned before maxAge with fewer than maxReadings");

        time.Advance(TimeSpan.FromMilliseconds(1));
        var batch = await read.WaitAsync(Patience);
        Assert.Equal(2, batch.Readings.Length);
        Assert.Equal([Start + TimeSpan.FromSeconds(5)], time.Fired);
    }

    [Fact]
    public async Task ReadAsync_MaxReadingsBecomeAvailable_ReturnsAtOnce()
    {
        using var directory = new TempDirectory();
        var (buffer, series, time) = Open(directory);
        await using var __ = buffer;
        var consumer = buffer.OpenConsumer("target");
        await buffer.AppendAsync(Buffers.Sequence(series, 0, 3));

        var read = consumer.ReadAsync(10, TimeSpan.FromHours(1), CancellationToken.None).AsTask();
        await time.WaitUntilArmedAsync(Start + TimeSpan.FromHours(1));
        Assert.False(read.IsCompleted);
        await buffer.AppendAsync(Buffers.Sequence(series, 3, 12));

        // At once: at the same fake time, without the hour's timer.
        var batch = await read.WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), batch.Readings.ToArray().Select(r => r.Value));
        Assert.Empty(time.Fired);
    }

    [Fact]
    public async Task ReadAsync_EmptyBuffer_WaitsForTheFirstAppend()
    {
        using var directory = new TempDirectory();
        var (buffer, series, time) = Open(directory);
        await using var __ = buffer;
        var consumer = buffer.OpenConsumer("target");

        // An empty buffer arms no timer: however long nothing arrives, the read waits.
        var read = consumer.ReadAsync(1, TimeSpan.Zero, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromDays(30));
        Assert.Empty(time.Armed);
        Assert.False(read.IsCompleted);
        await buffer.AppendAsync(Buffers.Sequence(series, 7, 1));

        Assert.Equal(7, (await read.WaitAsync(Patience)).Readings.Span[0].Value);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var directory = new TempDirectory();
        var (buffer, _, _) = Open(directory);
        await using var __ = buffer;
        using var cancellation = new CancellationTokenSource();

        var read = buffer.OpenConsumer("target").ReadAsync(1, TimeSpan.Zero, cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Patience));
    }
}
