using Loos.Edge.Core;
using Loos.Edge.Testing;

namespace Loos.Edge.Buffer.Tests;

/// <summary>The buffer on a real file system that fills up (a small tmpfs): ENOSPC during an append and during a checkpoint.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DiskFaultTests
{
    private const string Consumer = "influxd";

    [MountFact]
    public async Task Append_FileSystemFull_RefusedWithoutDamageAndAcceptedOnceDeliveriesFreeSpace()
    {
        using var directory = new TempDirectory();
        using var scratch = ScratchFileSystem.MountTmpfs(Path.Combine(directory.Path, "disk"), 512 * 1024);
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("meter", "A1"));
        var stored = new List<double>();
        var next = 0;
        await using (var buffer = Buffers.Open(scratch.Directory, catalog, configure: o => o.SegmentBytes = 64 * 1024))
        {
            var consumer = buffer.OpenConsumer(Consumer);
            IOException? refused = null;
            while (refused is null && next < 1_000_000)
            {
                var batch = Buffers.Sequence(series, next, 300);
                next += 300;
                try
                {
                    await buffer.AppendAsync(batch);
                    stored.AddRange(batch.Select(r => r.Value));
                }
                catch (IOException exception)
                {
                    refused = exception;
                }
            }

            Assert.NotNull(refused);
            Assert.Contains("No space left on device", refused.Message, StringComparison.Ordinal);
            Assert.Contains("No space left on device", buffer.GetStatistics().DiskError, StringComparison.Ordinal);
            await Assert.ThrowsAsync<IOException>(async () => await buffer.AppendAsync(Buffers.Sequence(series, next, 300)));

            // Delivering (the checkpoints fail on the full disk too) deletes delivered segments and frees their space.
            var delivered = await Buffers.DrainAsync(buffer, Consumer);
            Assert.Equal(stored, delivered.Select(r => r.Value));

            var after = Buffers.Sequence(series, 2_000_000, 300);
            await buffer.AppendAsync(after);
            stored.AddRange(after.Select(r => r.Value));
            Assert.Null(buffer.GetStatistics().DiskError);
        }

        // Nothing torn stays behind: reopened, the buffer finds no damage and still holds the last append unsent.
        await using var reopened = Buffers.Open(scratch.Directory, catalog, configure: o => o.SegmentBytes = 64 * 1024);
        Assert.Equal(0, reopened.GetStatistics().DamagedRegions);
        var unsent = await Buffers.DrainAsync(reopened, Consumer);
        Assert.Equal(stored[^300..], unsent.Select(r => r.Value));
    }

    [MountFact]
    public async Task Acknowledge_FileSystemFullDuringCheckpoint_FreesDeliveredSegmentsAndWritesThePositionOnceSpaceIsBack()
    {
        using var directory = new TempDirectory();
        using var scratch = ScratchFileSystem.MountTmpfs(Path.Combine(directory.Path, "disk"), 1024 * 1024);
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("meter", "A1"));
        var logger = new ListLogger();

        // checkpointInterval 0: every acknowledgement writes its checkpoint, so this one meets the full disk.
        await using (var buffer = Buffers.Open(scratch.Directory, catalog, logger, configure: o => (o.SegmentBytes, o.SyncInterval, o.CheckpointInterval) = (64 * 1024, TimeSpan.Zero, TimeSpan.Zero)))
        {
            var consumer = buffer.OpenConsumer(Consumer);
            for (var i = 0; i < 20; i++)
            {
                await buffer.AppendAsync(Buffers.Sequence(series, i * 500, 500));
            }

            var segmentsBefore = buffer.GetStatistics().Segments;
            scratch.Fill();
            var batch = await consumer.ReadAsync(6000, TimeSpan.Zero, CancellationToken.None);
            await consumer.AcknowledgeAsync(batch, CancellationToken.None);

            var statistics = buffer.GetStatistics();
            Assert.Contains("checkpoint", statistics.DiskError, StringComparison.Ordinal);
            Assert.Contains("No space left on device", statistics.DiskError, StringComparison.Ordinal);
            Assert.True(statistics.Segments < segmentsBefore, $"{statistics.Segments} segments of {segmentsBefore} left: the delivered ones must go");
            Assert.Equal(10_000 - 6000, Buffers.Unsent(buffer, Consumer));
            Assert.Contains(logger.Entries, e => e.Message.Contains("could not write the checkpoint of consumer influxd", StringComparison.Ordinal));

            // Space back: the next append writes the position too, and health no longer reports the disk.
            scratch.Free();
            await buffer.AppendAsync(Buffers.Sequence(series, 10_000, 1));
            Assert.Null(buffer.GetStatistics().DiskError);
        }

        await using var reopened = Buffers.Open(scratch.Directory, catalog, configure: o => o.SegmentBytes = 64 * 1024);
        Assert.Equal(10_001 - 6000, Buffers.Unsent(reopened, Consumer));
        Assert.Equal(0, reopened.GetStatistics().DamagedRegions);
    }

    [Fact]
    public async Task Open_NewBuffer_SegmentsAndStateFilesReadableByTheServiceUserOnly()
    {
        using var directory = new TempDirectory();
        var root = Path.Combine(directory.Path, "var-lib");
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("meter", "A1"));
        await using (var buffer = Buffers.Open(root, catalog))
        {
            await buffer.AppendAsync(Buffers.Sequence(series, 0, 10));
            await Buffers.DrainAsync(buffer, Consumer);
        }

        DurableFile.Replace(Path.Combine(root, "pulses.count"), [1, 2, 3]);
        const UnixFileMode Directory0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(Directory0700, File.GetUnixFileMode(root));
        Assert.Equal(Directory0700, File.GetUnixFileMode(Path.Combine(root, StateFiles.ConsumersFolder)));
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith(".seg", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".pos", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == File0600, $"{f} is {File.GetUnixFileMode(f)}"));
    }
}
