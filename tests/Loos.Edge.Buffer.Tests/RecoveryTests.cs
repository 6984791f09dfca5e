using Loos.Edge.Core;

namespace Loos.Edge.Buffer.Tests;

public sealed class RecoveryTests
{
    /// <summary>Three appends, three readings records; returns the segment bytes and where each record starts.</summary>
    private static async Task<(byte[] Bytes, long[] RecordStarts)> WriteThreeRecordsAsync(TempDirectory directory)
    {
        var catalog = new SeriesCatalog();
        var heat = catalog.Intern(Buffers.Key("heat", "A1"));
        var outdoor = catalog.Intern(new SeriesKey("outdoor", [], "temperature", "°C"));
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            await buffer.AppendAsync(new[] { Buffers.Sequence(heat, 0, 1)[0], Buffers.Sequence(outdoor, 1, 1)[0] });
            await buffer.AppendAsync(Buffers.Sequence(heat, 10, 3));
            await buffer.AppendAsync(Buffers.Sequence(outdoor, 20, 3));
        }

        var bytes = await File.ReadAllBytesAsync(directory.Segment(1));
        var starts = Records.ReadingsStarts(bytes);
        Assert.Equal(3, starts.Length);
        return (bytes, starts);
    }

    private static async Task<(List<Reading> Readings, BufferStatistics Statistics, ListLogger Logger)> RecoverAsync(byte[] segment)
    {
        using var directory = new TempDirectory();
        await File.WriteAllBytesAsync(directory.Segment(1), segment);
        var logger = new ListLogger();
        await using var buffer = Buffers.Open(directory.Path, new SeriesCatalog(), logger);
        var statistics = buffer.GetStatistics();
        var readings = await Buffers.DrainAsync(buffer, "target");
        return (readings, statistics, logger);
    }

    private static void AssertDamageReported(ListLogger logger, BufferStatistics statistics, long offset)
    {
        Assert.Equal(1, statistics.DamagedRegions);
        var warning = Assert.Single(logger.Warnings);
        Assert.Contains("00000001.seg", warning);
        Assert.Contains($"byte offset {offset} ", warning);
    }

    [Fact]
    public async Task Open_LastRecordTruncatedAtEveryByte_KeepsEverythingBeforeAndReportsFileAndOffset()
    {
        using var directory = new TempDirectory();
        var (bytes, starts) = await WriteThreeRecordsAsync(directory);

        for (var cut = starts[2] + 1; cut < bytes.Length; cut++)
        {
            var (readings, statistics, logger) = await RecoverAsync(bytes[..(int)cut]);

            Assert.Equal([0d, 1, 10, 11, 12], readings.Select(r => r.Value));
            AssertDamageReported(logger, statistics, starts[2]);
        }

        // Cut exactly between records: nothing is damaged, nothing is lost.
        var clean = await RecoverAsync(bytes[..(int)starts[2]]);
        Assert.Equal(5, clean.Readings.Count);
        Assert.Equal(0, clean.Statistics.DamagedRegions);
    }

    [Fact]
    public async Task Open_SegmentTruncatedInsideItsHeader_StartsAndReportsTheSegment()
    {
        using var directory = new TempDirectory();
        var (bytes, _) = await WriteThreeRecordsAsync(directory);

        for (var cut = 0; cut < SegmentFormat.HeaderBytes; cut++)
        {
            var (readings, statistics, logger) = await RecoverAsync(bytes[..cut]);

            Assert.Empty(readings);
            AssertDamageReported(logger, statistics, 0);
        }
    }

    [Fact]
    public async Task Open_EveryBitOfLastRecordFlipped_KeepsEverythingBeforeAndReportsFileAndOffset()
    {
        using var directory = new TempDirectory();
        var (bytes, starts) = await WriteThreeRecordsAsync(directory);

        for (var bit = starts[2] * 8; bit < bytes.Length * 8L; bit++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[bit / 8] ^= (byte)(1 << (int)(bit % 8));

            var (readings, statistics, logger) = await RecoverAsync(damaged);

            Assert.Equal([0d, 1, 10, 11, 12], readings.Select(r => r.Value));
            AssertDamageReported(logger, statistics, starts[2]);
        }
    }

    [Fact]
    public async Task Open_EveryBitOfMiddleRecordFlipped_KeepsRecordsBeforeAndAfter()
    {
        using var directory = new TempDirectory();
        var (bytes, starts) = await WriteThreeRecordsAsync(directory);

        for (var bit = starts[1] * 8; bit < starts[2] * 8; bit++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[bit / 8] ^= (byte)(1 << (int)(bit % 8));

            var (readings, statistics, logger) = await RecoverAsync(damaged);

            Assert.Equal([0d, 1, 20, 21, 22], readings.Select(r => r.Value));
            AssertDamageReported(logger, statistics, starts[1]);
        }
    }

    [Fact]
    public async Task Open_AfterDamage_AppendsToANewSegment()
    {
        using var directory = new TempDirectory();
        var (bytes, starts) = await WriteThreeRecordsAsync(directory);
        await File.WriteAllBytesAsync(directory.Segment(1), bytes[..(int)(starts[2] + 5)]);

        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("heat", "A1"));
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            await buffer.AppendAsync(Buffers.Sequence(series, 100, 2));
        }

        Assert.Equal(starts[2] + 5, new FileInfo(directory.Segment(1)).Length);
        await using var reopened = Buffers.Open(directory.Path, new SeriesCatalog());
        Assert.Equal([0d, 1, 10, 11, 12, 100, 101], (await Buffers.DrainAsync(reopened, "target")).Select(r => r.Value));
    }

    [Fact]
    public async Task Open_SegmentFromNewerFormatVersion_IsRefusedNamingFileAndVersions()
    {
        using var directory = new TempDirectory();
        var (bytes, _) = await WriteThreeRecordsAsync(directory);
        SegmentFormat.WriteHeader(bytes, 1, version: SegmentFormat.Version + 1);
        await File.WriteAllBytesAsync(directory.Segment(1), bytes);

        var error = Assert.Throws<InvalidDataException>(() => Buffers.Open(directory.Path, new SeriesCatalog()));
        Assert.Contains(directory.Segment(1), error.Message);
        Assert.Contains($"format version {SegmentFormat.Version + 1}", error.Message);
        Assert.Contains($"format version {SegmentFormat.Version} at most", error.Message);
        Assert.Throws<InvalidDataException>(() => BufferInspector.Read(directory.Path));

        // Refused, not modified: the segment is intact for a newer gateway.
        Assert.Equal(bytes, await File.ReadAllBytesAsync(directory.Segment(1)));
    }

    [Fact]
    public async Task Open_VersionByteFlippedWithoutValidHeaderCrc_IsDamageNotRefusal()
    {
        using var directory = new TempDirectory();
        var (bytes, _) = await WriteThreeRecordsAsync(directory);
        bytes[4] = SegmentFormat.Version + 1;

        var (readings, statistics, logger) = await RecoverAsync(bytes);

        Assert.Equal(8, readings.Count);
        AssertDamageReported(logger, statistics, 0);
    }

    [Fact]
    public async Task Open_OlderSegmentDeleted_SeriesDefinitionsOfLaterSegmentsStillResolve()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var rare = new SeriesKey("gpio", [new Tag("pin", "17"), new Tag("home", "C3")], "pulses", "Wh", ValueKind.Integer);
        var rareId = catalog.Intern(rare);
        var busy = catalog.Intern(Buffers.Key("pv", "church"));
        await using (var buffer = Buffers.Open(directory.Path, catalog, configure: o => o.SegmentBytes = 4096))
        {
            await buffer.AppendAsync(Buffers.Sequence(rareId, 0, 1));
            for (var i = 0; i < 10; i++)
            {
                await buffer.AppendAsync(Buffers.Sequence(busy, i * 100, 100));
            }

            await buffer.AppendAsync(Buffers.Sequence(rareId, 1, 1));
        }

        File.Delete(directory.Segment(1));
        var restarted = new SeriesCatalog();
        await using var reopened = Buffers.Open(directory.Path, restarted);
        var readings = await Buffers.DrainAsync(reopened, "target");

        var last = readings[^1];
        Assert.Equal(rare, restarted[last.Series]);
        Assert.Equal(1, last.Value);
        Assert.All(readings, r => Assert.NotNull(restarted[r.Series]));
        Assert.Equal(0, reopened.GetStatistics().DamagedRegions);
    }

    [Fact]
    public async Task Open_DamagedCheckpoint_ReportsItAndRereadsFromTheOldestData()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("heat", "A1"));
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            await buffer.AppendAsync(Buffers.Sequence(series, 0, 4));
            await Buffers.DrainAsync(buffer, "target");
        }

        var checkpoint = StateFiles.CheckpointPath(directory.Path, "target");
        var bytes = await File.ReadAllBytesAsync(checkpoint);
        bytes[10] ^= 0x01;
        await File.WriteAllBytesAsync(checkpoint, bytes);

        var logger = new ListLogger();
        await using var reopened = Buffers.Open(directory.Path, new SeriesCatalog(), logger);
        Assert.Equal(1, reopened.GetStatistics().DamagedRegions);
        Assert.Contains(logger.Warnings, w => w.Contains("target.pos"));
        Assert.Equal(4, (await Buffers.DrainAsync(reopened, "target")).Count);
    }
}
