using Loos.Edge.Core;
using Loos.Edge.Testing;

namespace Loos.Edge.Buffer.Tests;

public sealed class GroupCommitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AppendAsync_TwoInParallel_ShareOneFsync()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var time = new WatchedTimeProvider(Start);
        await using var buffer = Buffers.Open(directory.Path, catalog, time: time, configure: o => o.MaxCommitDelay = TimeSpan.FromMilliseconds(10));
        var log = (SegmentedLog)buffer;
        buffer.OpenConsumer("target");

        var first = buffer.AppendAsync(Buffers.Sequence(series, 0, 1)).AsTask();
        var second = buffer.AppendAsync(Buffers.Sequence(series, 1, 1)).AsTask();
        await time.WaitUntilArmedAsync(Start + TimeSpan.FromMilliseconds(10));
        time.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Empty(time.Fired);
        Assert.False(first.IsCompleted, "an append completed before its commit window closed");
        Assert.Equal(0, log.CommitFsyncs);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await Task.WhenAll(first, second).WaitAsync(Patience);

        Assert.Equal([Start + TimeSpan.FromMilliseconds(10)], time.Fired);
        Assert.Equal(1, log.CommitFsyncs);
        Assert.Equal(2, Buffers.Unsent(buffer, "target"));
    }

    [Fact]
    public async Task AppendAsync_Alone_CompletesOnceMaxCommitDelayHasPassed()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var time = new WatchedTimeProvider(Start);
        await using var buffer = Buffers.Open(directory.Path, catalog, time: time, configure: o => o.MaxCommitDelay = TimeSpan.FromMilliseconds(20));

        var append = buffer.AppendAsync(Buffers.Sequence(series, 0, 1)).AsTask();
        await time.WaitUntilArmedAsync(Start + TimeSpan.FromMilliseconds(20));
        time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.Empty(time.Fired);
        Assert.False(append.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await append.WaitAsync(Patience);
        Assert.Equal([Start + TimeSpan.FromMilliseconds(20)], time.Fired);
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrentAppenders_AllDurableWithFewerFsyncsThanAppends()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var ids = Enumerable.Range(0, 8).Select(i => catalog.Intern(Buffers.Key("meter", $"H{i}"))).ToArray();
        await using (var buffer = Buffers.Open(directory.Path, catalog, configure: o => o.MaxCommitDelay = TimeSpan.FromMilliseconds(5)))
        {
            await Task.WhenAll(ids.Select(id => Task.Run(async () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    await buffer.AppendAsync(Buffers.Sequence(id, i, 1));
                }
            })));

            Assert.True(((SegmentedLog)buffer).CommitFsyncs < 400, $"{((SegmentedLog)buffer).CommitFsyncs} fsyncs for 400 appends");
        }

        await using var reopened = Buffers.Open(directory.Path, new SeriesCatalog());
        var read = await Buffers.DrainAsync(reopened, "target");
        Assert.Equal(400, read.Count);
        foreach (var perSeries in read.GroupBy(r => r.Series))
        {
            Assert.Equal(Enumerable.Range(0, 50).Select(i => (double)i), perSeries.Select(r => r.Value));
        }
    }
}
