using Loos.Edge.Core;

namespace Loos.Edge.Buffer.Tests;

public sealed class LargeAppendTests
{
    private static void SmallSegments(BufferOptions options)
    {
        options.SegmentBytes = 4096;
        options.CapBytes = 1 << 20;
    }

    [Fact]
    public async Task AppendAsync_LargerThanASegment_GetsASegmentOfItsOwnAndEveryReadingSurvivesAReopen()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var written = Buffers.Sequence(series, 0, 2_000);
        await using (var buffer = Buffers.Open(directory.Path, catalog, configure: SmallSegments))
        {
            buffer.OpenConsumer("second"); // keeps the segments until after the reopen
            await buffer.AppendAsync(written.AsMemory(0, 10));
            await buffer.AppendAsync(written.AsMemory(10, 1_980)); // about 42 KB, ten segments' worth
            await buffer.AppendAsync(written.AsMemory(1_990));

            var statistics = buffer.GetStatistics();
            Assert.Equal(3, statistics.Segments);
            Assert.True(statistics.BytesOnDisk > 3 * 4096, $"{statistics.BytesOnDisk} bytes on disk");
            Assert.Equal(written, await Buffers.DrainAsync(buffer, "first"));
        }

        var segmentSizes = Directory.GetFiles(directory.Path, "*.seg").Order(StringComparer.Ordinal).Select(f => new FileInfo(f).Length).ToArray();
        Assert.Equal(3, segmentSizes.Length);
        Assert.True(segmentSizes[1] > 4096, "the large append was not kept in one segment");

        // Recovery reads the oversized segment back whole.
        await using (var reopened = Buffers.Open(directory.Path, new SeriesCatalog(), configure: SmallSegments))
        {
            Assert.Equal(0, reopened.GetStatistics().DamagedRegions);
            var read = await Buffers.DrainAsync(reopened, "second");
            Assert.Equal(written.Select(r => (r.Timestamp, r.Value)), read.Select(r => (r.Timestamp, r.Value)));
        }
    }

    [Fact]
    public async Task AppendAsync_LargerThanTheCap_IsRefusedNamingTheCapAndAppendsNothing()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        await using var buffer = Buffers.Open(directory.Path, catalog, configure: o =>
        {
            o.SegmentBytes = 4096;
            o.CapBytes = 8192;
        });
        await buffer.AppendAsync(Buffers.Sequence(series, 0, 10));

        var refused = await Assert.ThrowsAsync<BufferAppendTooLargeException>(async () => await buffer.AppendAsync(Buffers.Sequence(series, 10, 1_000)));

        Assert.Contains("buffer:capBytes (8192 bytes)", refused.Message);
        Assert.Equal(0, buffer.GetStatistics().EvictedReadings);
        Assert.Equal(Buffers.Sequence(series, 0, 10), await Buffers.DrainAsync(buffer, "target"));
    }
}
