using Loos.Edge.Core;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Polling.Tests;

public sealed class BufferRefusalsTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 14, 12, 0, 0, TimeSpan.Zero));
    private readonly ListLogger logger = new();

    [Fact]
    public async Task TryAppendAsync_RefusedBatchesWithinAMinute_CountedAndLoggedOnceWithTheCountSinceTheLastLine()
    {
        var refusals = new BufferRefusals("Modbus bus roof", clock, logger);
        var full = new FullSink();

        for (var batch = 0; batch < 5; batch++)
        {
            Assert.False(await refusals.TryAppendAsync(full, new Reading[3], CancellationToken.None));
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await refusals.TryAppendAsync(full, new Reading[3], CancellationToken.None));

        Assert.Equal(18, refusals.DroppedReadings);
        Assert.Equal(2, logger.Lines.Count);
        Assert.Contains("Modbus bus roof: the buffer refused readings; dropped since the last report: 3 reading(s) in 1 batch(es)", logger.Lines[0], StringComparison.Ordinal);
        Assert.Contains("dropped since the last report: 15 reading(s) in 5 batch(es)", logger.Lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryAppendAsync_BufferTakesTheBatch_TrueAndNothingDropped()
    {
        var refusals = new BufferRefusals("Modbus bus roof", clock, logger);

        Assert.True(await refusals.TryAppendAsync(new FullSink { Full = false }, new Reading[3], CancellationToken.None));
        Assert.Equal(0, refusals.DroppedReadings);
        Assert.Empty(logger.Lines);
    }

    private sealed class FullSink : IReadingSink
    {
        public bool Full { get; init; } = true;

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) =>
            Full ? throw new BufferFullException("the buffer is at its disk cap") : ValueTask.CompletedTask;
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
