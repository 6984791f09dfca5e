using System.Collections.Concurrent;
using Loos.Edge.Core;
using Loos.Edge.MBus.Master;
using Loos.Edge.MBus.Polling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.MBus.Tests.Polling;

/// <summary>
/// A line of scripted meters: a telegram per address, meters that never answer or answer with an invalid reply, and
/// how long a readout takes. Waiting moves the fake clock on by exactly that long, so a test knows when each
/// request was sent.
/// </summary>
public sealed class ScriptedMBusReader(FakeTimeProvider clock) : IMBusMeterReader
{
    private readonly Dictionary<MBusMeterAddress, (string Quantity, string Unit, double Value)[]> telegrams = [];

    public HashSet<MBusMeterAddress> Silent { get; } = [];

    public Dictionary<MBusMeterAddress, (string Reason, int Offset)> Invalid { get; } = [];

    /// <summary>How long each meter's readout takes.</summary>
    public Dictionary<MBusMeterAddress, TimeSpan> Durations { get; } = [];

    public List<(MBusMeterAddress Address, DateTimeOffset At)> Requests { get; } = [];

    public bool Disposed { get; private set; }

    public void SetMeter(MBusMeterAddress address, params (string Quantity, string Unit, double Value)[] records) =>
        telegrams[address] = records;

    public ValueTask<MBusReadStatus> ReadAsync(MBusMeterAddress address, MBusRecordBuffer records, CancellationToken cancellationToken)
    {
        records.Clear();
        Requests.Add((address, clock.GetUtcNow()));
        clock.Advance(Durations.GetValueOrDefault(address));
        if (Invalid.TryGetValue(address, out var invalid))
        {
            return ValueTask.FromResult(MBusReadStatus.InvalidReply($"invalid reply from {address}", invalid.Reason, invalid.Offset));
        }

        if (Silent.Contains(address) || !telegrams.TryGetValue(address, out var telegram))
        {
            return ValueTask.FromResult(MBusReadStatus.NoReply($"no meter answers at {address} on /dev/ttyScripted"));
        }

        records.AddTelegram(new MBusTelegramHeader { Status = 0 });
        foreach (var (quantity, unit, value) in telegram)
        {
            records.Add(new MBusRecord { Quantity = quantity, Unit = unit, Value = value });
        }

        return ValueTask.FromResult(MBusReadStatus.Success);
    }

    public void Dispose() => Disposed = true;
}

/// <summary>Keeps every appended batch, with the catalogue to name the series.</summary>
public sealed class RecordingSink(ISeriesCatalog catalog) : IReadingSink
{
    private readonly Lock gate = new();

    public List<Reading[]> Batches { get; } = [];

    public IReadOnlyList<(SeriesKey Series, Reading Reading)> All
    {
        get
        {
            lock (gate)
            {
                return [.. Batches.SelectMany(b => b).Select(r => (catalog[r.Series], r))];
            }
        }
    }

    public IEnumerable<(SeriesKey Series, Reading Reading)> Of(string device) => All.Where(x => x.Series.GetTag("device") == device);

    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            Batches.Add(readings.ToArray());
        }

        return ValueTask.CompletedTask;
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
