using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Loos.Edge.Core;
using Loos.Edge.Testing;

namespace Loos.Edge.Buffer.Tests;

public sealed class CompactReadingsTests
{
    private static readonly DateTimeOffset Base = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Values that take every value encoding, and the edges of each.</summary>
    public static TheoryData<double> Values => new()
    {
        double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001), BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_0000_0000) + 5),
        0d, -0d, 1, -1, 63, 64, -64, 65_535, 1e15, -9007199254740992d, 9007199254740992d, 9007199254740994d,
        0.5, 0.1, 1234.3, -273.15, 230.1, 0.000001, 123456.789012, 1234.5678901, 0.1 + 0.2, Math.PI, 1e-7,
        1.1754944e-38f, 3.4028235e38f, double.Epsilon, double.MaxValue, double.MinValue, double.PositiveInfinity, double.NegativeInfinity,
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Append_EveryValueEncoding_ReadBackBitForBitAfterARestart(double value)
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("meter", "A1"));
        Reading[] appended =
        [
            new(series, Base, value),
            new(series, Base.AddTicks(-1), value, Quality.Stale),
            new(series, Base.AddDays(3000), value, Quality.ClockUnsynced),
            new(series, DateTimeOffset.MinValue, value, (Quality)15),
            new(series, DateTimeOffset.MaxValue, value, (Quality)255),
        ];
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            await buffer.AppendAsync(appended);
        }

        var restarted = new SeriesCatalog();
        await using var reopened = Buffers.Open(directory.Path, restarted);
        var read = await Buffers.DrainAsync(reopened, "target");

        Assert.Equal(appended.Length, read.Count);
        for (var i = 0; i < appended.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(appended[i].Value), BitConverter.DoubleToInt64Bits(read[i].Value));
            Assert.Equal(appended[i].Timestamp.UtcTicks, read[i].Timestamp.UtcTicks);
            Assert.Equal(appended[i].Quality, read[i].Quality);
            Assert.Equal(catalog[series], restarted[read[i].Series]);
        }
    }

    [Theory]
    // Bytes counted by hand from the layout: series id varint, zig-zag ticks varint, encoding byte, value.
    [InlineData(5, 0L, 42d, 1 + 1 + 1 + 1)] // zig-zag 84: one byte
    [InlineData(300, 10_000_000L, 1234.3, 2 + 4 + 1 + 3)] // 300: 2 bytes; 2×10^7 ticks: 4 bytes; 12343 → 24686: 3 bytes
    [InlineData(5, 0L, double.NaN, 1 + 1 + 1)]
    [InlineData(5, -1L, 0.1 + 0.2, 1 + 1 + 1 + 8)] // 0.30000000000000004 is no short decimal nor a float32
    [InlineData(5, 0L, 0.15625, 1 + 1 + 1 + 3)] // 15625 with 5 digits after the point, zig-zag 31250: 3 bytes, under a float32's 4
    [InlineData(5, 0L, 3.4028235e38f, 1 + 1 + 1 + 4)] // the largest float32: exact in 4 bytes
    [InlineData(127, 63L, -0d, 1 + 1 + 1 + 4)] // the sign of zero kept: a float32
    public void Write_TypicalReadings_TakeTheBytesOfTheirEncoding(int seriesId, long ticksAfterBase, double value, int expectedBytes)
    {
        var buffer = new byte[CompactReadings.MaxReadingBytes];
        var reading = new Reading(new SeriesId(seriesId), Base.AddTicks(ticksAfterBase), value);

        var written = CompactReadings.Write(buffer, seriesId, reading, Base.UtcTicks);
        var read = CompactReadings.Read(buffer.AsSpan(0, written), Base.UtcTicks, out var id, out var ticks, out var decoded, out var quality);

        Assert.Equal(expectedBytes, written);
        Assert.Equal(written, read);
        Assert.Equal((seriesId, reading.Timestamp.UtcTicks, BitConverter.DoubleToInt64Bits(value), Quality.Good), (id, ticks, BitConverter.DoubleToInt64Bits(decoded), quality));
    }

    [Fact]
    public void Read_ReadingCutShort_IsRefusedAtEveryLength()
    {
        var buffer = new byte[CompactReadings.MaxReadingBytes];
        var written = CompactReadings.Write(buffer, 70_000, new Reading(new SeriesId(70_000), Base.AddDays(-2), Math.PI, (Quality)200), Base.UtcTicks);

        for (var length = 0; length < written; length++)
        {
            Assert.Equal(0, CompactReadings.Read(buffer.AsSpan(0, length), Base.UtcTicks, out _, out _, out _, out _));
        }
    }

    [Fact]
    public async Task Open_CheckpointAtEveryReadingOfARecord_ResumesAtThatReading()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var power = catalog.Intern(Buffers.Key("pv", "school"));
        var energy = catalog.Intern(Buffers.Key("meter", "school"));

        // Readings of every size in one record.
        var appended = Values.Cast<object[]>().Select((value, i) => new Reading(i % 2 == 0 ? power : energy, Base.AddMilliseconds(i * 137), (double)value[0], (Quality)(i % 17))).ToArray();
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            buffer.OpenConsumer("target");
            await buffer.AppendAsync(appended);
        }

        var bytes = await File.ReadAllBytesAsync(directory.Segment(1));
        var record = Assert.Single(Records.Of(bytes), r => SegmentFormat.IsReadings(r.Type));
        Assert.Equal(SegmentFormat.CompactReadingsRecord, record.Type);
        var boundaries = ReadingStarts(bytes.AsSpan((int)record.Start, record.Length));
        Assert.Equal(appended.Length, boundaries.Count);

        for (var k = 0; k < appended.Length; k++)
        {
            // Each time the segment as written: draining deletes it.
            using var resumed = new TempDirectory();
            await File.WriteAllBytesAsync(resumed.Segment(1), bytes);
            StateFiles.WriteCheckpoint(resumed.Path, new ConsumerCheckpoint("target", new BufferPosition(1, record.Start + boundaries[k])));
            await using var reopened = Buffers.Open(resumed.Path, new SeriesCatalog());

            Assert.Equal(appended.Length - k, Buffers.Unsent(reopened, "target"));
            Assert.Equal(appended[k].Timestamp, reopened.GetStatistics().Consumers.Single().OldestUnsentTimestamp);
            var read = await Buffers.DrainAsync(reopened, "target", batchSize: 3);
            Assert.Equal(appended[k..].Select(r => (r.Timestamp, BitConverter.DoubleToInt64Bits(r.Value), r.Quality)), read.Select(r => (r.Timestamp, BitConverter.DoubleToInt64Bits(r.Value), r.Quality)));
        }
    }

    [Fact]
    public async Task Read_BatchesOfEverySize_StopExactlyAndResumeAtTheNextReading()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var appended = Enumerable.Range(0, 40).Select(i => new Reading(series, Base.AddSeconds(i), i % 3 == 0 ? i * 1000.25 : i)).ToArray();
        await using var buffer = Buffers.Open(directory.Path, catalog);
        await buffer.AppendAsync(appended);

        for (var size = 1; size <= 7; size++)
        {
            var consumer = buffer.OpenConsumer($"target-{size}");
            var read = new List<double>();
            while (Buffers.Unsent(buffer, $"target-{size}") > 0)
            {
                var batch = await consumer.ReadAsync(size, TimeSpan.Zero, CancellationToken.None);
                Assert.Equal(Math.Min(size, appended.Length - read.Count), batch.Readings.Length);
                read.AddRange(batch.Readings.ToArray().Select(r => r.Value));
                await consumer.AcknowledgeAsync(batch, CancellationToken.None);
                Assert.Equal(appended.Length - read.Count, Buffers.Unsent(buffer, $"target-{size}"));
            }

            Assert.Equal(appended.Select(r => r.Value), read);
        }
    }

    [Fact]
    public async Task Open_Version1SegmentOfAnOlderGateway_IsReadResumedAndFollowedByVersion2()
    {
        using var directory = new TempDirectory();
        var key = Buffers.Key("heat", "A1");
        var old = Enumerable.Range(0, 6).Select(i => (Ticks: Base.AddMinutes(i).UtcTicks, Value: 100.5 + i, Quality: (byte)(i % 2))).ToArray();
        await File.WriteAllBytesAsync(directory.Segment(1), Version1Segment(key, old));

        // The older gateway's target had acknowledged the first two readings.
        StateFiles.WriteCheckpoint(directory.Path, new ConsumerCheckpoint("target", new BufferPosition(1, 20 + Version1DefinitionBytes(key) + 14 + (2 * 21))));

        var catalog = new SeriesCatalog();
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            Assert.Equal(4, Buffers.Unsent(buffer, "target"));
            await buffer.AppendAsync(new[] { new Reading(catalog.Intern(key), Base.AddHours(1), 7) });
            Assert.Equal(0, buffer.GetStatistics().DamagedRegions);
        }

        Assert.Equal(1, (await File.ReadAllBytesAsync(directory.Segment(1)))[4]);
        Assert.Equal(SegmentFormat.Version, (await File.ReadAllBytesAsync(directory.Segment(2)))[4]);
        var restarted = new SeriesCatalog();
        await using var reopened = Buffers.Open(directory.Path, restarted);
        var read = await Buffers.DrainAsync(reopened, "target", batchSize: 3);
        Assert.Equal([102.5, 103.5, 104.5, 105.5, 7], read.Select(r => r.Value));
        Assert.Equal(old[2..].Select(r => r.Ticks).Append(Base.AddHours(1).UtcTicks), read.Select(r => r.Timestamp.UtcTicks));
        Assert.Equal([Quality.Good, Quality.Stale, Quality.Good, Quality.Stale, Quality.Good], read.Select(r => r.Quality));
        Assert.All(read, r => Assert.Equal(key, restarted[r.Series]));
    }

    [Fact]
    public async Task Open_BufferOfAnEarlierGateway_DeliversWhatItsTargetHadNotAcknowledged()
    {
        // Written by an earlier gateway process (tests/Fixtures/data-directory-v1, see its README), byte for byte.
        using var directory = new TempDirectory();
        var fixture = Path.Combine(RepositoryPaths.Root, "tests", "Fixtures", "data-directory-v1", "buffer");
        foreach (var file in Directory.EnumerateFiles(fixture, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(directory.Path, Path.GetRelativePath(fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        Assert.All(Directory.GetFiles(directory.Path, "*.seg"), f => Assert.Equal(1, File.ReadAllBytes(f)[4]));
        var catalog = new SeriesCatalog();
        await using var buffer = Buffers.Open(directory.Path, catalog);
        Assert.Equal(0, buffer.GetStatistics().DamagedRegions);
        Assert.Equal(520, Buffers.Unsent(buffer, "influxd"));
        var start = new DateTimeOffset(2026, 12, 4, 16, 0, 0, TimeSpan.Zero);

        var read = await Buffers.DrainAsync(buffer, "influxd", batchSize: 7);

        Assert.Equal(520, read.Count);
        var meter = read.Where(r => catalog[r.Series].Measurement == "fixture_meter").ToList();
        Assert.Equal(Enumerable.Range(200, 500).Select(k => (start.AddSeconds(k), 5000d + k)), meter.Select(r => (r.Timestamp, r.Value)));
        var mqtt = read.Where(r => catalog[r.Series].Measurement == "fixture_mqtt").ToList();
        Assert.Equal(Enumerable.Range(6, 4).Select(k => (start.AddSeconds(k), 100d + k)), mqtt.Select(r => (r.Timestamp, r.Value)));
        Assert.Equal(16, read.Count(r => catalog[r.Series].Measurement == "electricity_meter"));
    }

    [Fact]
    public async Task Open_Version1SegmentTornAtEveryByteOfItsLastRecord_KeepsTheRecordsBefore()
    {
        var key = Buffers.Key("heat", "A1");
        var first = Version1Segment(key, [(Base.UtcTicks, 1d, (byte)0)]);
        var segment = Version1Segment(key, [(Base.UtcTicks, 1d, (byte)0)], [(Base.AddMinutes(1).UtcTicks, 2d, (byte)0), (Base.AddMinutes(2).UtcTicks, 3d, (byte)0)]);
        for (var cut = first.Length + 1; cut < segment.Length; cut++)
        {
            using var directory = new TempDirectory();
            await File.WriteAllBytesAsync(directory.Segment(1), segment[..cut]);
            await using var buffer = Buffers.Open(directory.Path, new SeriesCatalog());

            Assert.Equal([1d], (await Buffers.DrainAsync(buffer, "target")).Select(r => r.Value));
            Assert.Equal(1, buffer.GetStatistics().DamagedRegions);
        }
    }

    /// <summary>The offsets, from the record start, where each reading of a compact record starts, read from the layout.</summary>
    private static List<int> ReadingStarts(ReadOnlySpan<byte> record)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(record[10..]);
        var starts = new List<int>();
        var at = 10 + 4 + 8;
        for (var i = 0; i < count; i++)
        {
            starts.Add(at);
            SkipVarint(record, ref at);
            SkipVarint(record, ref at);
            var encoding = record[at] >> 4;
            at += (record[at] & 0x0F) == 15 ? 2 : 1;
            switch (encoding)
            {
                case 0:
                    break;
                case 2:
                    at += 4;
                    break;
                case 3:
                    at += 8;
                    break;
                default:
                    SkipVarint(record, ref at);
                    break;
            }
        }

        Assert.Equal(record.Length, at);
        return starts;
    }

    private static void SkipVarint(ReadOnlySpan<byte> data, ref int at)
    {
        while (data[at++] >= 0x80)
        {
        }
    }

    private static int Version1DefinitionBytes(SeriesKey key) => Version1Definition(key).Length;

    /// <summary>A segment as a gateway of format version 1 wrote it, built from the documented layout: one definition, then readings records.</summary>
    private static byte[] Version1Segment(SeriesKey key, params (long Ticks, double Value, byte Quality)[][] records)
    {
        var segment = new List<byte>();
        var header = new byte[20];
        "LEBS"u8.CopyTo(header);
        header[4] = 1;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), Crc32.HashToUInt32(header.AsSpan(0, 16)));
        segment.AddRange(header);
        segment.AddRange(Version1Definition(key));
        foreach (var readings in records)
        {
            var payload = new byte[4 + (readings.Length * 21)];
            BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)readings.Length);
            for (var i = 0; i < readings.Length; i++)
            {
                var reading = payload.AsSpan(4 + (i * 21));
                BinaryPrimitives.WriteInt32LittleEndian(reading, 7);
                BinaryPrimitives.WriteInt64LittleEndian(reading[4..], readings[i].Ticks);
                BinaryPrimitives.WriteDoubleLittleEndian(reading[12..], readings[i].Value);
                reading[20] = readings[i].Quality;
            }

            segment.AddRange(Version1Record(2, payload));
        }

        return [.. segment];
    }

    private static byte[] Version1Definition(SeriesKey key)
    {
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(7));
        payload.Add((byte)key.Kind);
        AddString(payload, key.Measurement);
        payload.AddRange(BitConverter.GetBytes((ushort)key.Tags.Length));
        foreach (var tag in key.Tags)
        {
            AddString(payload, tag.Key);
            AddString(payload, tag.Value);
        }

        AddString(payload, key.Field);
        AddString(payload, key.Unit);
        return Version1Record(1, [.. payload]);
    }

    private static void AddString(List<byte> payload, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        payload.AddRange(BitConverter.GetBytes((ushort)bytes.Length));
        payload.AddRange(bytes);
    }

    private static byte[] Version1Record(byte type, byte[] payload)
    {
        var record = new byte[10 + payload.Length];
        record[4] = 0xE7;
        record[5] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(6), (uint)payload.Length);
        payload.CopyTo(record, 10);
        BinaryPrimitives.WriteUInt32LittleEndian(record, Crc32.HashToUInt32(record.AsSpan(4)));
        return record;
    }
}
