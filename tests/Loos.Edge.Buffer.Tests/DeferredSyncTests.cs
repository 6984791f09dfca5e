using Loos.Edge.Core;
using Loos.Edge.Testing;

namespace Loos.Edge.Buffer.Tests;

/// <summary>
/// Appends nobody waits to acknowledge (<see cref="AppendDurability.Written"/>) are written at once and fsynced within
/// buffer:syncInterval; appends that wait are fsynced before they complete; a power cut before the fsync is counted.
/// </summary>
public sealed class DeferredSyncTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid FirstBoot = Guid.Parse("6f1c6c1e-0000-4000-8000-000000000001");
    private static readonly Guid SecondBoot = Guid.Parse("6f1c6c1e-0000-4000-8000-000000000002");

    [Fact]
    public async Task AppendAsync_Written_CompletesUnsyncedVisibleAtOnceAndIsFsyncedWhenSyncIntervalHasPassed()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("meter", "school"));
        var time = new WatchedTimeProvider(Start);
        await using var buffer = Open(directory.Path, catalog, time, FirstBoot);
        var log = (SegmentedLog)buffer;
        buffer.OpenConsumer("target");

        await buffer.AppendAsync(Buffers.Sequence(series, 0, 10), AppendDurability.Written).AsTask().WaitAsync(Patience);
        Assert.Equal(0, log.CommitFsyncs);
        Assert.Equal(10, Buffers.Unsent(buffer, "target"));

        await time.WaitUntilArmedAsync(Start + SyncInterval);
        time.Advance(SyncInterval - TimeSpan.FromSeconds(1));
        await buffer.AppendAsync(Buffers.Sequence(series, 10, 10), AppendDurability.Written).AsTask().WaitAsync(Patience);
        Assert.Equal(0, log.CommitFsyncs);

        // The interval counts from the first unsynchronised write, not the last.
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => log.CommitFsyncs == 1, "the written readings were not fsynced once buffer:syncInterval had passed");
        Assert.Equal([Start + SyncInterval], time.Fired);

        // Nothing left to sync: no timer, no further fsync.
        time.Advance(SyncInterval * 3);
        await buffer.AppendAsync(Buffers.Sequence(series, 20, 1)).AsTask().WaitAsync(Patience);
        Assert.Equal(2, log.CommitFsyncs);
        Assert.Single(time.Fired);
    }

    [Fact]
    public async Task AppendAsync_Synced_CompletesOnlyOnceFsyncedTakingTheWrittenOnesWithIt()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("meter", "school"));
        var time = new WatchedTimeProvider(Start);
        await using var buffer = Open(directory.Path, catalog, time, FirstBoot);
        var log = (SegmentedLog)buffer;
        var failing = false;
        log.WriteFault = () =>
        {
            if (Volatile.Read(ref failing))
            {
                throw new IOException("Input/output error");
            }
        };

        await buffer.AppendAsync(Buffers.Sequence(series, 0, 5), AppendDurability.Written).AsTask().WaitAsync(Patience);
        await buffer.AppendAsync(Buffers.Sequence(series, 5, 5)).AsTask().WaitAsync(Patience);
        Assert.Equal(1, log.CommitFsyncs);

        // The listener's appends wait for the disk: one that cannot be written and fsynced fails, never answers early.
        Volatile.Write(ref failing, true);
        await Assert.ThrowsAsync<IOException>(() => buffer.AppendAsync(Buffers.Sequence(series, 10, 5)).AsTask().WaitAsync(Patience));
        Volatile.Write(ref failing, false);

        // The synced append disarmed the sync timer: the written readings went with its fsync.
        time.Advance(SyncInterval * 2);
        Assert.Empty(time.Fired);
        Assert.Equal(10, (await Buffers.DrainAsync(buffer, "target")).Count);
    }

    [Fact]
    public async Task Open_AfterPowerCutBeforeTheFsync_SaysReadingsAfterTheNewestOnDiskMayBeMissingAndCountsIt()
    {
        using var directory = new TempDirectory();
        using var afterPowerCut = new TempDirectory();
        using var afterCrash = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("meter", "school"));
        var time = new WatchedTimeProvider(Start);
        await using (var buffer = Open(directory.Path, catalog, time, FirstBoot))
        {
            await buffer.AppendAsync(Buffers.Sequence(series, 0, 10), AppendDurability.Written).AsTask().WaitAsync(Patience);
            await buffer.AppendAsync(Buffers.Sequence(series, 10, 1)).AsTask().WaitAsync(Patience);
            var segment = Directory.GetFiles(directory.Path, "*.seg").Max()!;
            var fsyncedLength = new FileInfo(segment).Length;
            await buffer.AppendAsync(Buffers.Sequence(series, 11, 20), AppendDurability.Written).AsTask().WaitAsync(Patience);

            // The disk as a power cut leaves it: what was fsynced, not the page cache; and as a crash of the process
            // alone leaves it: everything written.
            CopyState(directory.Path, afterPowerCut.Path);
            CopyState(directory.Path, afterCrash.Path);
            using (var truncated = File.OpenWrite(Path.Combine(afterPowerCut.Path, Path.GetFileName(segment))))
            {
                truncated.SetLength(fsyncedLength);
            }
        }

        var powerCutLog = new ListLogger();
        await using (var reopened = Open(afterPowerCut.Path, catalog, time, SecondBoot, powerCutLog))
        {
            var statistics = reopened.GetStatistics();
            Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 10, TimeSpan.Zero), statistics.PossibleLossAfter);
            Assert.Equal(1, statistics.PossibleLossStops);
            Assert.Contains(powerCutLog.Warnings, w => w.Contains("may be missing", StringComparison.Ordinal) && w.Contains("2026-01-01T00:00:10", StringComparison.Ordinal));
            Assert.Equal(11, (await Buffers.DrainAsync(reopened, "target")).Count);
        }

        // A clean stop since: the next start, even after another boot, has nothing to report but keeps the count.
        await using (var again = Open(afterPowerCut.Path, catalog, time, FirstBoot))
        {
            Assert.Null(again.GetStatistics().PossibleLossAfter);
            Assert.Equal(1, again.GetStatistics().PossibleLossStops);
        }

        var crashLog = new ListLogger();
        await using var afterKill = Open(afterCrash.Path, catalog, time, FirstBoot, crashLog);
        Assert.Null(afterKill.GetStatistics().PossibleLossAfter);
        Assert.Equal(0, afterKill.GetStatistics().PossibleLossStops);
        Assert.Empty(crashLog.Warnings);
        Assert.Equal(31, (await Buffers.DrainAsync(afterKill, "target")).Count);
    }

    [Fact]
    public async Task Open_AfterUncleanStopWithEveryAppendFsynced_ReportsNoPossibleLoss()
    {
        using var directory = new TempDirectory();
        using var afterPowerCut = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("meter", "school"));
        var time = new WatchedTimeProvider(Start);
        await using (var buffer = Open(directory.Path, catalog, time, FirstBoot, syncInterval: TimeSpan.Zero))
        {
            await buffer.AppendAsync(Buffers.Sequence(series, 0, 10), AppendDurability.Written).AsTask().WaitAsync(Patience);
            Assert.Equal(1, ((SegmentedLog)buffer).CommitFsyncs);
            CopyState(directory.Path, afterPowerCut.Path);
        }

        await using var reopened = Open(afterPowerCut.Path, catalog, time, SecondBoot);
        Assert.Null(reopened.GetStatistics().PossibleLossAfter);
        Assert.Equal(10, (await Buffers.DrainAsync(reopened, "target")).Count);
    }

    [Fact]
    public async Task AcknowledgeAsync_WritesTheCheckpointAtMostEveryCheckpointIntervalAndAtAStop()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("meter", "school"));
        var time = new WatchedTimeProvider(Start);
        var buffer = Open(directory.Path, catalog, time, FirstBoot);
        var consumer = buffer.OpenConsumer("target");
        var opened = Checkpoint(directory.Path);
        var positions = new List<BufferPosition>();
        for (var i = 0; i < 3; i++)
        {
            await buffer.AppendAsync(Buffers.Sequence(series, i, 1)).AsTask().WaitAsync(Patience);
            var batch = await consumer.ReadAsync(10, TimeSpan.Zero, CancellationToken.None).AsTask().WaitAsync(Patience);
            if (i == 1)
            {
                // Several buffer:syncInterval later, yet less than buffer:checkpointInterval.
                time.Advance(CheckpointInterval - TimeSpan.FromSeconds(1));
            }

            await consumer.AcknowledgeAsync(batch, CancellationToken.None);
            positions.Add(batch.End);
            if (i == 1)
            {
                // Written when the consumer was opened.
                Assert.Equal(opened, Checkpoint(directory.Path));
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        Assert.Equal(positions[2], Checkpoint(directory.Path));
        await buffer.AppendAsync(Buffers.Sequence(series, 3, 1)).AsTask().WaitAsync(Patience);
        var last = await consumer.ReadAsync(10, TimeSpan.Zero, CancellationToken.None).AsTask().WaitAsync(Patience);
        await consumer.AcknowledgeAsync(last, CancellationToken.None);
        Assert.Equal(positions[2], Checkpoint(directory.Path));

        await buffer.DisposeAsync();
        Assert.Equal(last.End, Checkpoint(directory.Path));
    }

    private static IDurableBuffer Open(string directory, ISeriesCatalog catalog, TimeProvider time, Guid bootId, ListLogger? logger = null, TimeSpan? syncInterval = null) =>
        Buffers.Open(directory, catalog, logger, time, options =>
        {
            options.MaxCommitDelay = TimeSpan.Zero;
            options.SyncInterval = syncInterval ?? SyncInterval;
            options.CheckpointInterval = CheckpointInterval;
            options.BootId = bootId;
        });

    private static BufferPosition Checkpoint(string directory) =>
        StateFiles.ReadCheckpoints(directory, (path, reason) => Assert.Fail($"{path}: {reason}")).Single(c => c.Name == "target").Position;

    /// <summary>The buffer's files as the disk holds them now, without its lock.</summary>
    private static void CopyState(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) == "buffer.lock")
            {
                continue;
            }

            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(10);
        }
    }
}
