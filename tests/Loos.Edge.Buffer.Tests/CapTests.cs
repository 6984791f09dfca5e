using Loos.Edge.Core;

namespace Loos.Edge.Buffer.Tests;

public sealed class CapTests
{
    private static void SmallSegments(BufferOptions options)
    {
        options.SegmentBytes = 4096;
        options.CapBytes = 8192;
    }

    [Fact]
    public async Task AppendAsync_OverCap_EvictedCountEqualsExactlyTheReadingsNoLongerReadable()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var written = Buffers.Sequence(series, 0, 2400);
        var logger = new ListLogger();
        long evicted;
        await using (var buffer = Buffers.Open(directory.Path, catalog, logger, configure: SmallSegments))
        {
            var slow = buffer.OpenConsumer("slow");
            await buffer.AppendAsync(written.AsMemory(0, 150));
            var acknowledged = await slow.ReadAsync(100, TimeSpan.Zero, CancellationToken.None);
            await slow.AcknowledgeAsync(acknowledged, CancellationToken.None);
            var fast = new List<Reading>();
            for (var i = 150; i < written.Length; i += 10)
            {
                await buffer.AppendAsync(written.AsMemory(i, 10));
                fast.AddRange(await Buffers.DrainAsync(buffer, "fast"));
                Assert.True(buffer.GetStatistics().BytesOnDisk <= 8192, "the buffer grew past its cap");
            }

            var statistics = buffer.GetStatistics();
            evicted = statistics.EvictedReadings;
            var readable = await Buffers.DrainAsync(buffer, "slow");

            Assert.True(evicted > 0, "nothing was evicted; the test does not exercise the cap");
            Assert.Equal(written.Length, acknowledged.Readings.Length + evicted + readable.Count);
            Assert.Equal(written.TakeLast(readable.Count), readable);
            Assert.Equal(evicted, buffer.GetEvictedReadings("slow"));
            Assert.Equal(0, buffer.GetEvictedReadings("fast"));
            Assert.Equal(written, fast);
        }

        var warnings = logger.Warnings.Where(w => w.Contains("disk cap")).ToList();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, w => Assert.Matches(@"segment \d{8}\.seg was deleted with \d+ readings", w));
        Assert.Equal(evicted, warnings.Sum(w => long.Parse(System.Text.RegularExpressions.Regex.Match(w, @"with (\d+) readings").Groups[1].Value)));

        // The total survives a restart, for `buffer status`.
        await using (var reopened = Buffers.Open(directory.Path, new SeriesCatalog(), configure: SmallSegments))
        {
            Assert.Equal(evicted, reopened.GetStatistics().EvictedReadings);
        }

        Assert.Equal(evicted, BufferInspector.Read(directory.Path, 8192).EvictedReadings);
    }

    [Fact]
    public async Task AcknowledgeAsync_BatchReadBeforeItsSegmentWasEvicted_IsNotCountedAsEvicted()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var written = Buffers.Sequence(series, 0, 2400);
        await using var buffer = Buffers.Open(directory.Path, catalog, configure: SmallSegments);
        var target = buffer.OpenConsumer("target");
        await buffer.AppendAsync(written.AsMemory(0, 50));

        // The forwarder holds this batch while its target is down; meanwhile the cap evicts its segment.
        var inFlight = await target.ReadAsync(50, TimeSpan.Zero, CancellationToken.None);
        for (var i = 50; i < written.Length; i += 10)
        {
            await buffer.AppendAsync(written.AsMemory(i, 10));
        }

        var evictedWhileDown = buffer.GetStatistics().EvictedReadings;
        Assert.True(evictedWhileDown >= inFlight.Readings.Length, "the in-flight batch's segment was not evicted");

        // The target comes back and acknowledges the batch it had: those readings did arrive.
        await target.AcknowledgeAsync(inFlight, CancellationToken.None);
        var rest = await Buffers.DrainAsync(buffer, "target");

        var evicted = buffer.GetStatistics().EvictedReadings;
        Assert.Equal(evictedWhileDown - inFlight.Readings.Length, evicted);
        Assert.Equal(written.Length, inFlight.Readings.Length + rest.Count + evicted);
        Assert.Equal(evicted, buffer.GetEvictedReadings("target"));
    }

    [Fact]
    public async Task AppendAsync_OverCapWithoutConsumer_CountsEveryEvictedReading()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        await using var buffer = Buffers.Open(directory.Path, catalog, configure: SmallSegments);
        for (var i = 0; i < 240; i++)
        {
            await buffer.AppendAsync(Buffers.Sequence(series, i * 10, 10));
        }

        var evicted = buffer.GetStatistics().EvictedReadings;
        var readable = await Buffers.DrainAsync(buffer, "late");

        Assert.True(evicted > 0);
        Assert.Equal(2400, evicted + readable.Count);
        Assert.Equal(2400 - readable.Count, readable[0].Value);
    }

    [Fact]
    public async Task AppendAsync_FullWithEvictionDisabled_ThrowsBufferFullAndKeepsWhatWasAccepted()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        await using var buffer = Buffers.Open(directory.Path, catalog, configure: o =>
        {
            SmallSegments(o);
            o.EvictWhenFull = false;
        });
        buffer.OpenConsumer("target");
        var accepted = 0;
        BufferFullException? full = null;
        for (var i = 0; i < 100 && full is null; i++)
        {
            try
            {
                await buffer.AppendAsync(Buffers.Sequence(series, accepted, 10));
                accepted += 10;
            }
            catch (BufferFullException exception)
            {
                full = exception;
            }
        }

        Assert.NotNull(full);
        Assert.True(full.RetryAfter > TimeSpan.Zero);
        Assert.Contains("buffer:capBytes", full.Message);
        Assert.Equal(0, buffer.GetStatistics().EvictedReadings);
        Assert.True(buffer.GetStatistics().BytesOnDisk <= 8192);
        await Assert.ThrowsAsync<BufferFullException>(async () => await buffer.AppendAsync(Buffers.Sequence(series, accepted, 10)));

        var read = await Buffers.DrainAsync(buffer, "target");
        Assert.Equal(Enumerable.Range(0, accepted).Select(i => (double)i), read.Select(r => r.Value));

        // Acknowledged segments are deleted, so there is room again.
        await buffer.AppendAsync(Buffers.Sequence(series, accepted, 10));
        Assert.Equal(10, Buffers.Unsent(buffer, "target"));
    }

    [Fact]
    public async Task AcknowledgeAsync_EveryConsumerPastOldSegments_DeletesThemButKeepsTheActiveOne()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        await using var buffer = Buffers.Open(directory.Path, catalog, configure: o => o.SegmentBytes = 4096);
        buffer.OpenConsumer("a");
        buffer.OpenConsumer("b");
        for (var i = 0; i < 40; i++)
        {
            await buffer.AppendAsync(Buffers.Sequence(series, i * 50, 50));
        }

        var segments = buffer.GetStatistics().Segments;
        Assert.True(segments > 2);
        Assert.All(Directory.GetFiles(directory.Path, "*.seg"), f => Assert.True(new FileInfo(f).Length <= 4096, $"{f} is larger than a segment"));
        Assert.Equal(segments, Directory.GetFiles(directory.Path, "*.seg").Length);

        await Buffers.DrainAsync(buffer, "a");
        Assert.Equal(segments, buffer.GetStatistics().Segments);

        await Buffers.DrainAsync(buffer, "b");
        var statistics = buffer.GetStatistics();
        var files = Directory.GetFiles(directory.Path, "*.seg");
        Assert.Equal(1, statistics.Segments);
        Assert.Single(files);
        Assert.Equal(new FileInfo(files[0]).Length, statistics.BytesOnDisk);
        Assert.Equal(0, statistics.EvictedReadings);
    }
}
