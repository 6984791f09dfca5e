using Loos.Edge.Core;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Buffer.Tests;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task AppendAsync_TwoInParallel_ShareOneFsync()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var time = new FakeTimeProvider();
        await using var buffer = Buffers.Open(directory.Path, catalog, time: time, configure: o => o.MaxCommitDelay = TimeSpan.FromMilliseconds(10));
        var log = (SegmentedLog)buffer;
        buffer.OpenConsumer("target");

        var first = buffer.AppendAsync(Buffers.Sequence(series, 0, 1)).AsTask();
        var second = buffer.AppendAsync(Buffers.Sequence(series, 1, 1)).AsTask();
        await Task.Delay(50);
        Assert.False(first.IsCompleted, "an append completed before its commit window closed");
        Assert.Equal(0, log.CommitFsyncs);

        await AdvanceUntilAsync(time, TimeSpan.FromMilliseconds(10), () => first.IsCompleted && second.IsCompleted);
        await Task.WhenAll(first, second);

        Assert.Equal(1, log.CommitFsyncs);
        Assert.Equal(2, Buffers.Unsent(buffer, "target"));
    }

    [Fact]
    public async Task AppendAsync_Alone_CompletesOnceMaxCommitDelayHasPassed()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var time = new FakeTimeProvider();
        await using var buffer = Buffers.Open(directory.Path, catalog, time: time, configure: o => o.MaxCommitDelay = TimeSpan.FromMilliseconds(20));

        var append = buffer.AppendAsync(Buffers.Sequence(series, 0, 1)).AsTask();
        await Task.Delay(50);
        time.Advance(TimeSpan.FromMilliseconds(19));
        await Task.Delay(50);
        Assert.False(append.IsCompleted);

        await AdvanceUntilAsync(time, TimeSpan.FromMilliseconds(1), () => append.IsCompleted);
        await append;
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

    private static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> done)
    {
        // The writer arms its timer asynchronously: advance again until it has fired.
        for (var i = 0; i < 200 && !done(); i++)
        {
            time.Advance(step);
            await Task.Delay(10);
        }

        Assert.True(done(), "the appends did not complete");
    }
}
