using System.Collections.Concurrent;
using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Buffer.Tests;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "loos-buffer-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Segment(long number) => System.IO.Path.Combine(Path, SegmentFormat.FileName(number));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Keeps every log entry so that tests can check what an operator would read.</summary>
public sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IEnumerable<string> Warnings => Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));
}

public static class Buffers
{
    public static BufferOptions Options(string directory, Action<BufferOptions>? configure = null)
    {
        var options = new BufferOptions { Directory = directory, MaxCommitDelay = TimeSpan.FromMilliseconds(1) };
        configure?.Invoke(options);
        return options;
    }

    public static IDurableBuffer Open(string directory, ISeriesCatalog catalog, ILogger? logger = null, TimeProvider? time = null, Action<BufferOptions>? configure = null) =>
        DurableBuffer.Open(Options(directory, configure), catalog, time ?? TimeProvider.System, logger ?? new ListLogger());

    /// <summary>Reads and acknowledges everything a consumer has not acknowledged yet.</summary>
    public static async Task<List<Reading>> DrainAsync(IDurableBuffer buffer, string consumerName, int batchSize = 1000)
    {
        var consumer = buffer.OpenConsumer(consumerName);
        var result = new List<Reading>();
        while (Unsent(buffer, consumerName) > 0)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var batch = await consumer.ReadAsync(batchSize, TimeSpan.Zero, timeout.Token);
            result.AddRange(batch.Readings.ToArray());
            await consumer.AcknowledgeAsync(batch, CancellationToken.None);
        }

        return result;
    }

    public static long Unsent(IBufferMonitor monitor, string consumerName) =>
        monitor.GetStatistics().Consumers.Single(c => c.Name == consumerName).UnsentReadings;

    /// <summary>Readings of one series whose values count up from <paramref name="first"/>, one second apart.</summary>
    public static Reading[] Sequence(SeriesId series, int first, int count) =>
        Enumerable.Range(first, count)
            .Select(i => new Reading(series, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i), i))
            .ToArray();

    public static SeriesKey Key(string measurement, string home, string field = "value", string unit = "Wh", ValueKind kind = ValueKind.Float) =>
        new(measurement, [new Tag("home", home), new Tag("building", "B1")], field, unit, kind);
}

public static class Records
{
    /// <summary>Where each valid record of a segment starts, with its type and length, in file order.</summary>
    public static List<(long Start, byte Type, int Length)> Of(byte[] segment)
    {
        var records = new List<(long, byte, int)>();
        var at = SegmentFormat.HeaderBytes;
        while (at < segment.Length)
        {
            var length = SegmentFormat.TryReadRecord(segment.AsSpan(at), out var type);
            if (length == 0)
            {
                break;
            }

            records.Add((at, type, length));
            at += length;
        }

        return records;
    }

    /// <summary>Where each readings record of a segment starts, in file order.</summary>
    public static long[] ReadingsStarts(byte[] segment) =>
        [.. Of(segment).Where(r => SegmentFormat.IsReadings(r.Type)).Select(r => r.Start)];
}
