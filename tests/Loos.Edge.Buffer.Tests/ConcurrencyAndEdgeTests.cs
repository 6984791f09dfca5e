using Loos.Edge.Core;

namespace Loos.Edge.Buffer.Tests;

public sealed class ConcurrencyAndEdgeTests
{
    [Fact]
    public async Task ReadAsync_WhileAppendingOverCap_DeliversEachReadingAtMostOnceAndCountsTheRest()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        const int total = 3000;
        await using var buffer = Buffers.Open(directory.Path, catalog, configure: o =>
        {
            o.SegmentBytes = 4096;
            o.CapBytes = 8192;
        });
        var consumer = buffer.OpenConsumer("target");
        var delivered = new List<Reading>();
        using var stop = new CancellationTokenSource();

        var reader = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var batch = await consumer.ReadAsync(37, TimeSpan.FromMilliseconds(1), stop.Token);
                    delivered.AddRange(batch.Readings.ToArray());
                    await consumer.AcknowledgeAsync(batch, CancellationToken.None);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        for (var i = 0; i < total; i += 20)
        {
            await buffer.AppendAsync(Buffers.Sequence(series, i, 20));
        }

        while (Buffers.Unsent(buffer, "target") > 0 && !reader.IsCompleted)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await reader;

        var values = delivered.Select(r => r.Value).ToList();
        Assert.Equal(values.Order(), values);
        Assert.Equal(values.Count, values.Distinct().Count());
        Assert.Equal(total, values.Count + buffer.GetStatistics().EvictedReadings);
        Assert.Equal(total - 1, values[^1]);
    }

    [Fact]
    public async Task Open_CheckpointInsideARecordOffABoundary_RereadsTheWholeRecord()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            buffer.OpenConsumer("target");
            await buffer.AppendAsync(Buffers.Sequence(series, 0, 5));
        }

        var recordStart = Assert.Single(Records.ReadingsStarts(await File.ReadAllBytesAsync(directory.Segment(1))));

        // Inside the first reading, which takes more than 3 bytes.
        StateFiles.WriteCheckpoint(directory.Path, new ConsumerCheckpoint("target", new BufferPosition(1, recordStart + CompactReadings.FirstReadingOffset + 3)));

        await using var reopened = Buffers.Open(directory.Path, new SeriesCatalog());
        Assert.Equal([0d, 1, 2, 3, 4], (await Buffers.DrainAsync(reopened, "target")).Select(r => r.Value));
    }

    [Fact]
    public async Task Open_DamagedSeriesDefinition_SkipsOnlyThatSeriesAndSaysSo()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var first = catalog.Intern(Buffers.Key("heat", "A1"));
        var second = catalog.Intern(Buffers.Key("heat", "A2"));
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            await buffer.AppendAsync(new[] { Buffers.Sequence(first, 1, 1)[0], Buffers.Sequence(second, 2, 1)[0] });
        }

        // The first record after the header is the definition of the first series: damage its last byte.
        var bytes = await File.ReadAllBytesAsync(directory.Segment(1));
        var definitionLength = SegmentFormat.DefinitionRecordBytes(catalog[first]);
        bytes[SegmentFormat.HeaderBytes + definitionLength - 1] ^= 0x10;
        await File.WriteAllBytesAsync(directory.Segment(1), bytes);

        var logger = new ListLogger();
        var restarted = new SeriesCatalog();
        await using var reopened = Buffers.Open(directory.Path, restarted, logger);
        var readings = await Buffers.DrainAsync(reopened, "target");

        var only = Assert.Single(readings);
        Assert.Equal(catalog[second], restarted[only.Series]);
        Assert.Equal(1, reopened.GetStatistics().DamagedRegions);
        Assert.Contains(logger.Warnings, w => w.Contains($"byte offset {SegmentFormat.HeaderBytes} "));
        Assert.Contains(logger.Warnings, w => w.Contains("1 readings refer to a series whose definition is damaged"));
    }
}

public sealed class WriteFailureTests
{
    [Fact]
    public async Task AppendAsync_DiskWriteFails_ThrowsWithCauseAndContinuesInTheSegmentCutBack()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var logger = new ListLogger();
        await using (var buffer = Buffers.Open(directory.Path, catalog, logger))
        {
            await buffer.AppendAsync(Buffers.Sequence(series, 0, 2));
            var failing = new IOException("No space left on device");
            ((SegmentedLog)buffer).WriteFault = () => throw failing;

            var error = await Assert.ThrowsAsync<IOException>(async () => await buffer.AppendAsync(Buffers.Sequence(series, 2, 2)));
            Assert.Same(failing, error.InnerException);
            Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error);

            ((SegmentedLog)buffer).WriteFault = null;
            await buffer.AppendAsync(Buffers.Sequence(series, 4, 2));
            // The failed write was undone in place, so the segment goes on without a torn record and no new one was needed.
            Assert.Equal(1, buffer.GetStatistics().Segments);
        }

        await using var reopened = Buffers.Open(directory.Path, new SeriesCatalog());
        Assert.Equal([0d, 1, 4, 5], (await Buffers.DrainAsync(reopened, "target")).Select(r => r.Value));
    }
}
