using BenchmarkDotNet.Attributes;
using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// Append throughput of the durable buffer with group commit, on a temporary directory. Every figure is per reading
/// (OperationsPerInvoke = readings appended per invocation): Mean is the time per reading, Allocated the bytes
/// allocated per reading on the whole append path, the writer loop included.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 5)]
public class BufferAppendBenchmarks
{
    private const int AppendsPerAppender = 64;
    private const int ConcurrentAppenders = 16;
    private const int LargeBatch = 100;

    private readonly SeriesCatalog catalog = new();
    private string directory = string.Empty;
    private IDurableBuffer buffer = null!;
    private Reading[][] single = [];
    private Reading[][] batches = [];

    /// <summary>The commit window: 0 commits as soon as the writer is free, 10 ms is the default.</summary>
    [Params(0, 10)]
    public int MaxCommitDelayMilliseconds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        directory = Path.Combine(Path.GetTempPath(), "loos-buffer-bench", Guid.NewGuid().ToString("N"));
        buffer = DurableBuffer.Open(
            new BufferOptions
            {
                Directory = directory,
                MaxCommitDelay = TimeSpan.FromMilliseconds(MaxCommitDelayMilliseconds),
                // Small enough to reach the cap during a run, so eviction is part of the steady state measured.
                CapBytes = 128L << 20,
            },
            catalog,
            TimeProvider.System,
            NullLogger.Instance);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        single = new Reading[ConcurrentAppenders][];
        batches = new Reading[ConcurrentAppenders][];
        for (var appender = 0; appender < ConcurrentAppenders; appender++)
        {
            var series = Enumerable.Range(0, LargeBatch)
                .Select(i => catalog.Intern(new SeriesKey("meter", [new Tag("home", $"H{appender}"), new Tag("point", $"P{i}")], "energy", "Wh")))
                .ToArray();
            single[appender] = [new Reading(series[0], start, appender)];
            batches[appender] = series.Select((id, i) => new Reading(id, start.AddSeconds(i), i)).ToArray();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        buffer.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = AppendsPerAppender)]
    public Task OneReading_OneAppender() => AppendLoopAsync(single[0]);

    [Benchmark(OperationsPerInvoke = AppendsPerAppender * ConcurrentAppenders)]
    public Task OneReading_16Appenders() => Task.WhenAll(single.Select(AppendLoopAsync));

    [Benchmark(OperationsPerInvoke = AppendsPerAppender * LargeBatch)]
    public Task HundredReadings_OneAppender() => AppendLoopAsync(batches[0]);

    [Benchmark(OperationsPerInvoke = AppendsPerAppender * LargeBatch * ConcurrentAppenders)]
    public Task HundredReadings_16Appenders() => Task.WhenAll(batches.Select(AppendLoopAsync));

    private async Task AppendLoopAsync(Reading[] readings)
    {
        for (var i = 0; i < AppendsPerAppender; i++)
        {
            await buffer.AppendAsync(readings);
        }
    }
}
