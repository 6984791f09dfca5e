using Loos.Edge.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Buffer.Tests;

public sealed class InspectorAndOptionsTests
{
    [Fact]
    public async Task Read_AfterGatewayStopped_MatchesLiveStatisticsAndModifiesNothing()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var series = catalog.Intern(Buffers.Key("pv", "school"));
        var written = Buffers.Sequence(series, 0, 2000);
        BufferStatistics live;
        await using (var buffer = Buffers.Open(directory.Path, catalog, configure: o =>
        {
            o.SegmentBytes = 4096;
            o.CapBytes = 8192;
        }))
        {
            for (var i = 0; i < written.Length; i += 50)
            {
                await buffer.AppendAsync(written.AsMemory(i, 50));
            }

            var fast = buffer.OpenConsumer("fast");
            buffer.OpenConsumer("slow");
            // 130 readings: the position falls inside a record.
            await fast.AcknowledgeAsync(await fast.ReadAsync(130, TimeSpan.Zero, CancellationToken.None), CancellationToken.None);
            live = buffer.GetStatistics();
        }

        var files = Snapshot(directory.Path);
        var offline = BufferInspector.Read(directory.Path, 8192);

        Assert.Equal(files, Snapshot(directory.Path));
        Assert.Equal(live.BytesOnDisk, offline.BytesOnDisk);
        Assert.Equal(live.Segments, offline.Segments);
        Assert.Equal(live.CapBytes, offline.CapBytes);
        Assert.Equal(live.EvictedReadings, offline.EvictedReadings);
        Assert.Equal(live.DamagedRegions, offline.DamagedRegions);
        Assert.Equal(live.Consumers, offline.Consumers);

        var slow = live.Consumers.Single(c => c.Name == "slow");
        var fastStatistics = live.Consumers.Single(c => c.Name == "fast");
        Assert.True(live.EvictedReadings > 0);
        Assert.Equal(written.Length - live.EvictedReadings, slow.UnsentReadings);
        Assert.Equal(slow.UnsentReadings - 130, fastStatistics.UnsentReadings);
        Assert.Equal(written[(int)live.EvictedReadings].Timestamp, slow.OldestUnsentTimestamp);
        Assert.Equal(written[(int)live.EvictedReadings + 130].Timestamp, fastStatistics.OldestUnsentTimestamp);
        Assert.Equal(live.BytesOnDisk, Directory.GetFiles(directory.Path, "*.seg").Sum(f => new FileInfo(f).Length));
    }

    [Fact]
    public void Validate_CapBelowTwoSegments_NamesTheKey()
    {
        var options = new BufferOptions { Directory = "/tmp/x", SegmentBytes = 1 << 20, CapBytes = 1 << 20 };

        var error = Assert.Single(BufferOptionsValidator.Check(options));
        Assert.StartsWith("buffer:capBytes must be at least 2 segments", error);
    }

    [Fact]
    public void Open_InvalidOptions_ThrowsNamingEveryKey()
    {
        var options = new BufferOptions { Directory = " ", MaxCommitDelay = TimeSpan.FromMilliseconds(60), SegmentBytes = 100, CheckpointInterval = TimeSpan.FromHours(2) };

        var error = Assert.Throws<ArgumentException>(() => DurableBuffer.Open(options, new SeriesCatalog(), TimeProvider.System, new ListLogger()));
        Assert.Contains("buffer:directory", error.Message);
        Assert.Contains("buffer:maxCommitDelay", error.Message);
        Assert.Contains("buffer:segmentBytes", error.Message);
        Assert.Contains("buffer:checkpointInterval must be between 0 and 01:00:00", error.Message);
    }

    [Fact]
    public void BufferOptions_Defaults_MatchTheDocumentedOnes()
    {
        var options = new BufferOptions();

        Assert.Equal(1L << 30, options.CapBytes);
        Assert.Equal(16L << 20, options.SegmentBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.MaxCommitDelay);
        Assert.True(options.EvictWhenFull);
    }

    [Fact]
    public async Task AddDurableBuffer_OptionsFromConfiguration_ServesOneBufferForEveryInterface()
    {
        using var directory = new TempDirectory();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["buffer:directory"] = directory.Path,
            ["buffer:capBytes"] = "67108864",
            ["buffer:segmentBytes"] = "1048576",
            ["buffer:maxCommitDelay"] = "00:00:00.002",
            ["buffer:evictWhenFull"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ISeriesCatalog>(new SeriesCatalog());
        services.Configure<BufferOptions>(configuration.GetSection(BufferOptions.SectionName));
        services.AddDurableBuffer();

        await using (var provider = services.BuildServiceProvider())
        {
            var options = provider.GetRequiredService<IOptions<BufferOptions>>().Value;
            Assert.Equal(64L << 20, options.CapBytes);
            Assert.Equal(TimeSpan.FromMilliseconds(2), options.MaxCommitDelay);
            Assert.False(options.EvictWhenFull);

            var sink = provider.GetRequiredService<IReadingSink>();
            Assert.Same(sink, provider.GetRequiredService<IReadingLog>());
            Assert.Same(sink, provider.GetRequiredService<IBufferMonitor>());
            Assert.Equal(64L << 20, provider.GetRequiredService<IBufferMonitor>().GetStatistics().CapBytes);
        }

        // Disposing the container closed the buffer: the directory can be opened again.
        await using var reopened = Buffers.Open(directory.Path, new SeriesCatalog());
    }

    [Fact]
    public void AddDurableBuffer_InvalidOptions_FailValidationNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ISeriesCatalog>(new SeriesCatalog());
        services.Configure<BufferOptions>(o =>
        {
            o.Directory = "/tmp/unused";
            o.CapBytes = 1;
        });
        services.AddDurableBuffer();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BufferOptions>>().Value);
        Assert.Contains("buffer:capBytes", error.Message);
    }

    private static List<(string Name, long Length, DateTime Modified)> Snapshot(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => new FileInfo(f))
            .Select(f => (f.FullName, f.Length, f.LastWriteTimeUtc))
            .OrderBy(f => f.FullName, StringComparer.Ordinal)
            .ToList();
}
