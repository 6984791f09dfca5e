using Loos.Edge.Core;

namespace Loos.Edge.Buffer.Tests;

/// <summary>Reading ahead of the acknowledged position, as the forwarder does while a batch is in flight.</summary>
public sealed class ReadAheadTests
{
    [Fact]
    public async Task ReadAfterAsync_NextBatches_ComeInOrderAndLeaveTheCheckpointWhereTheTargetAcknowledged()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("heat_meter", "A12"));
        var written = Buffers.Sequence(series, 0, 1200);
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            var consumer = buffer.OpenConsumer("central");
            await buffer.AppendAsync(written.AsMemory(0, 700));
            await buffer.AppendAsync(written.AsMemory(700));

            var first = await consumer.ReadAsync(500, TimeSpan.Zero, CancellationToken.None);
            var second = await consumer.ReadAfterAsync(first.End, 500, TimeSpan.Zero, CancellationToken.None);
            var third = await consumer.ReadAfterAsync(second.End, 500, TimeSpan.Zero, CancellationToken.None);

            Assert.Equal(written[..500], first.Readings.ToArray());
            Assert.Equal(written[500..1000], second.Readings.ToArray());
            Assert.Equal(written[1000..], third.Readings.ToArray());

            // Nothing acknowledged: every reading is still unsent, and reading from the position starts over.
            Assert.Equal(1200, Buffers.Unsent(buffer, "central"));
            Assert.Equal(written[..500], (await consumer.ReadAsync(500, TimeSpan.Zero, CancellationToken.None)).Readings.ToArray());
            await consumer.AcknowledgeAsync(first, CancellationToken.None);
            Assert.Equal(700, Buffers.Unsent(buffer, "central"));
        }

        // The checkpoint holds the acknowledged batch only: after a restart the second batch comes again.
        await using (var buffer = Buffers.Open(directory.Path, new SeriesCatalog()))
        {
            var read = await Buffers.DrainAsync(buffer, "central");
            Assert.Equal(written[500..].Select(r => (r.Timestamp, r.Value)), read.Select(r => (r.Timestamp, r.Value)));
        }
    }

    [Fact]
    public async Task ReadAfterAsync_PositionBehindTheAcknowledged_ReadsFromTheAcknowledged()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("heat_meter", "A12"));
        var written = Buffers.Sequence(series, 0, 300);
        await using var buffer = Buffers.Open(directory.Path, catalog);
        var consumer = buffer.OpenConsumer("central");
        await buffer.AppendAsync(written);
        var first = await consumer.ReadAsync(100, TimeSpan.Zero, CancellationToken.None);
        var second = await consumer.ReadAfterAsync(first.End, 100, TimeSpan.Zero, CancellationToken.None);
        await consumer.AcknowledgeAsync(first, CancellationToken.None);
        await consumer.AcknowledgeAsync(second, CancellationToken.None);

        var again = await consumer.ReadAfterAsync(first.End, 100, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(written[200..], again.Readings.ToArray());
    }
}
