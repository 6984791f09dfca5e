using Loos.Edge.Core;

namespace Loos.Edge.Buffer.Tests;

public sealed class RoundTripTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 15, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AppendAsync_ThenReadAndAcknowledge_PreservesKeysTagsUnitsKindsFlagsAndQualities()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var keys = new[]
        {
            Buffers.Key("heat_meter", "A12", "energy", "kWh", ValueKind.Integer),
            new SeriesKey("outdoor", [], "temperature", "°C", ValueKind.Float),
            new SeriesKey("lighting", [new Tag("street", "Rue Jean Jaurès"), new Tag("controller", "L-07")], "on", string.Empty, ValueKind.Boolean),
            new SeriesKey("heating_daily", [new Tag("home", "12")], "kwh", "kWh", republished: true),
        };
        var ids = keys.Select(catalog.Intern).ToArray();
        var written = new[]
        {
            new Reading(ids[0], Start, 123456, Quality.Good),
            new Reading(ids[1], Start.AddMinutes(1), double.NaN, Quality.Stale),
            new Reading(ids[2], Start.AddMinutes(2), 1, Quality.Estimated),
            new Reading(ids[1], new DateTimeOffset(2026, 1, 15, 8, 3, 0, TimeSpan.FromHours(1)), -3.25, Quality.Good),
            new Reading(ids[3], Start.AddDays(-1), 2.95, Quality.Estimated),
        };

        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            buffer.OpenConsumer("backup");
            await buffer.AppendAsync(written.AsMemory(0, 2));
            await buffer.AppendAsync(written.AsMemory(2));
            var consumer = buffer.OpenConsumer("influx-central");
            var batch = await consumer.ReadAsync(100, TimeSpan.Zero, CancellationToken.None);

            Assert.Equal(written, batch.Readings.ToArray());
            await consumer.AcknowledgeAsync(batch, CancellationToken.None);
            Assert.Equal(0, Buffers.Unsent(buffer, "influx-central"));
        }

        // After a restart the process ids differ: the keys must come back from the segments themselves. The backup
        // target has not acknowledged anything, so the segment is still there for it.
        var restarted = new SeriesCatalog();
        restarted.Intern(new SeriesKey("unrelated", [], "x"));
        await using (var buffer = Buffers.Open(directory.Path, restarted))
        {
            var read = await Buffers.DrainAsync(buffer, "backup");

            Assert.Equal(written.Length, read.Count);
            for (var i = 0; i < written.Length; i++)
            {
                var key = restarted[read[i].Series];
                Assert.Equal(catalog[written[i].Series], key);
                Assert.Equal(catalog[written[i].Series].Unit, key.Unit);
                Assert.Equal(catalog[written[i].Series].Kind, key.Kind);
                Assert.Equal(catalog[written[i].Series].Republished, key.Republished);
                Assert.Equal(catalog[written[i].Series].GetTag("street"), key.GetTag("street"));
                Assert.Equal(written[i].Timestamp, read[i].Timestamp);
                Assert.Equal(written[i].Value, read[i].Value);
                Assert.Equal(written[i].Quality, read[i].Quality);
            }
        }
    }

    [Fact]
    public async Task OpenConsumer_AfterRestart_ResumesExactlyAtCheckpoint()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var written = Buffers.Sequence(series, 0, 1000);
        var delivered = new List<Reading>();

        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            for (var i = 0; i < written.Length; i += 7)
            {
                await buffer.AppendAsync(written.AsMemory(i, Math.Min(7, written.Length - i)));
            }

            var consumer = buffer.OpenConsumer("target");
            for (var i = 0; i < 3; i++)
            {
                var batch = await consumer.ReadAsync(110, TimeSpan.Zero, CancellationToken.None);
                Assert.Equal(110, batch.Readings.Length);
                delivered.AddRange(batch.Readings.ToArray());
                await consumer.AcknowledgeAsync(batch, CancellationToken.None);
            }

            // Read but never acknowledged: must come again after the restart.
            var unacknowledged = await consumer.ReadAsync(50, TimeSpan.Zero, CancellationToken.None);
            Assert.Equal(written.AsSpan(330, 50).ToArray(), unacknowledged.Readings.ToArray());
        }

        await using (var buffer = Buffers.Open(directory.Path, new SeriesCatalog()))
        {
            delivered.AddRange(await Buffers.DrainAsync(buffer, "target", batchSize: 64));
        }

        Assert.Equal(written.Select(r => r.Value), delivered.Select(r => r.Value));
    }

    [Fact]
    public async Task ReadAsync_WithoutAcknowledge_ReturnsTheSameReadingsAgain()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        await using var buffer = Buffers.Open(directory.Path, catalog);
        await buffer.AppendAsync(Buffers.Sequence(series, 0, 30));
        var consumer = buffer.OpenConsumer("target");

        var first = await consumer.ReadAsync(20, TimeSpan.Zero, CancellationToken.None);
        var again = await consumer.ReadAsync(20, TimeSpan.Zero, CancellationToken.None);
        await consumer.AcknowledgeAsync(again, CancellationToken.None);
        var rest = await consumer.ReadAsync(20, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(first.Readings.ToArray(), again.Readings.ToArray());
        Assert.Equal(first.End, again.End);
        Assert.Equal(Enumerable.Range(20, 10).Select(i => (double)i), rest.Readings.ToArray().Select(r => r.Value));
    }

    [Fact]
    public async Task OpenConsumer_TwoConsumers_KeepTheirOwnPositions()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        await using var buffer = Buffers.Open(directory.Path, catalog);
        await buffer.AppendAsync(Buffers.Sequence(series, 0, 10));
        var central = buffer.OpenConsumer("central");
        var backup = buffer.OpenConsumer("backup");

        await central.AcknowledgeAsync(await central.ReadAsync(10, TimeSpan.Zero, CancellationToken.None), CancellationToken.None);
        var backupBatch = await backup.ReadAsync(4, TimeSpan.Zero, CancellationToken.None);

        Assert.Same(central, buffer.OpenConsumer("central"));
        Assert.Equal(0, Buffers.Unsent(buffer, "central"));
        Assert.Equal(10, Buffers.Unsent(buffer, "backup"));
        Assert.Equal([0d, 1, 2, 3], backupBatch.Readings.ToArray().Select(r => r.Value));
    }

    [Fact]
    public async Task AppendAsync_UnknownSeries_ThrowsAndAppendsNothingOfIt()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        await using var buffer = Buffers.Open(directory.Path, catalog);
        var consumer = buffer.OpenConsumer("target");

        var bad = new[] { new Reading(series, DateTimeOffset.UnixEpoch, 1), new Reading(new SeriesId(99), DateTimeOffset.UnixEpoch, 2) };
        await Assert.ThrowsAsync<ArgumentException>(async () => await buffer.AppendAsync(bad));
        await buffer.AppendAsync(Buffers.Sequence(series, 5, 1));

        var batch = await consumer.ReadAsync(10, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal([5d], batch.Readings.ToArray().Select(r => r.Value));
    }

    [Fact]
    public async Task DisposeAsync_WithPendingAppend_WritesItBeforeClosing()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var buffer = Buffers.Open(directory.Path, catalog, configure: o => o.MaxCommitDelay = TimeSpan.FromMilliseconds(50));

        var pending = buffer.AppendAsync(Buffers.Sequence(series, 0, 3)).AsTask();
        await buffer.DisposeAsync();
        await pending;

        await using var reopened = Buffers.Open(directory.Path, new SeriesCatalog());
        Assert.Equal(3, (await Buffers.DrainAsync(reopened, "target")).Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await buffer.AppendAsync(Buffers.Sequence(series, 0, 1)));
    }

    [Fact]
    public async Task Open_SecondInstanceOnSameDirectory_IsRefused()
    {
        using var directory = new TempDirectory();
        await using var buffer = Buffers.Open(directory.Path, new SeriesCatalog());

        var error = Assert.Throws<IOException>(() => Buffers.Open(directory.Path, new SeriesCatalog()));
        Assert.Contains("in use", error.Message);
    }
}
