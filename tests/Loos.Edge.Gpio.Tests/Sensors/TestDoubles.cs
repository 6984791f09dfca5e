using System.Collections.Concurrent;
using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Gpio.Tests.Sensors;

/// <summary>Keeps every appended batch, with the catalogue to name the series.</summary>
public sealed class RecordingSink(ISeriesCatalog catalog) : IReadingSink
{
    private readonly Lock gate = new();
    private readonly List<Reading[]> batches = [];

    public IReadOnlyList<(SeriesKey Series, Reading Reading)> All
    {
        get
        {
            lock (gate)
            {
                return [.. batches.SelectMany(b => b).Select(r => (catalog[r.Series], r))];
            }
        }
    }

    public IReadOnlyList<(SeriesKey Series, Reading Reading)> Of(string device, string field) =>
        [.. All.Where(x => x.Series.GetTag("device") == device && x.Series.Field == field)];

    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            batches.Add(readings.ToArray());
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Keeps every log entry so that tests can check what an operator would read.</summary>
public sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IReadOnlyList<string> AtLeast(LogLevel level) => [.. Entries.Where(e => e.Level >= level).Select(e => e.Message)];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));
}
