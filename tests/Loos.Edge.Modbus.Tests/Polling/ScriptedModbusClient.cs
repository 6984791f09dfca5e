using Loos.Edge.Core;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Modbus.Tests.Polling;

/// <summary>
/// An in-memory Modbus master that plays scripted devices: register and bit values per unit, units that never
/// answer, exception replies and invalid replies per address range, and reply delays. Waiting (a timeout, a slow
/// reply) moves the fake clock on by exactly that long, so a test knows to the tick when each request was sent.
/// </summary>
public sealed class ScriptedModbusClient(FakeTimeProvider timeProvider, TimeSpan responseTimeout) : IModbusClient
{
    private readonly Dictionary<(byte Unit, RegisterTable Table, ushort Address), ushort> registers = [];
    private readonly Dictionary<(byte Unit, BitTable Table, ushort Address), bool> bits = [];
    private readonly List<(byte Unit, int Start, int End, ModbusOutcome Outcome)> failures = [];
    private readonly Lock gate = new();

    public string Endpoint => "scripted://";

    /// <summary>Units that never answer.</summary>
    public HashSet<byte> SilentUnits { get; } = [];

    /// <summary>How long a reply takes.</summary>
    public TimeSpan ReplyDelay { get; set; }

    /// <summary>Whether replies come back later (on the thread pool) rather than at once, so that requests overlap.</summary>
    public bool ReplyAsynchronously { get; set; }

    /// <summary>The most requests that were in progress at once on this client.</summary>
    public int MaxInFlight { get; private set; }

    public List<(byte Unit, int Address, int Count, DateTimeOffset At)> Requests { get; } = [];

    private int inFlight;

    public void SetRegisters(byte unit, RegisterTable table, ushort address, params ushort[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            registers[(unit, table, (ushort)(address + i))] = values[i];
        }
    }

    public void SetFloat(byte unit, RegisterTable table, ushort address, float value)
    {
        var bitsOfValue = BitConverter.SingleToUInt32Bits(value);
        SetRegisters(unit, table, address, (ushort)(bitsOfValue >> 16), (ushort)bitsOfValue);
    }

    public void SetBit(byte unit, BitTable table, ushort address, bool value) => bits[(unit, table, address)] = value;

    /// <summary>Requests of <paramref name="unit"/> touching start..end (inclusive) end with <paramref name="outcome"/>.</summary>
    public void Fail(byte unit, int start, int end, ModbusOutcome outcome) => failures.Add((unit, start, end, outcome));

    public void ClearFailures() => failures.Clear();

    public async ValueTask<ModbusOutcome> ReadRegistersAsync(byte unitId, RegisterTable table, ushort address, Memory<ushort> destination, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            MaxInFlight = Math.Max(MaxInFlight, ++inFlight);
        }

        try
        {
            if (ReplyAsynchronously)
            {
                await Task.Delay(20, cancellationToken);
            }

            return await ReadRegistersNowAsync(unitId, table, address, destination, cancellationToken);
        }
        finally
        {
            lock (gate)
            {
                inFlight--;
            }
        }
    }

    private async ValueTask<ModbusOutcome> ReadRegistersNowAsync(byte unitId, RegisterTable table, ushort address, Memory<ushort> destination, CancellationToken cancellationToken)
    {
        if (await BeginAsync(unitId, address, destination.Length, cancellationToken) is { } failure)
        {
            return failure;
        }

        var span = destination.Span;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = registers.GetValueOrDefault((unitId, table, (ushort)(address + i)));
        }

        return ModbusOutcome.Success;
    }

    public async ValueTask<ModbusOutcome> ReadBitsAsync(byte unitId, BitTable table, ushort address, Memory<bool> destination, CancellationToken cancellationToken)
    {
        if (await BeginAsync(unitId, address, destination.Length, cancellationToken) is { } failure)
        {
            return failure;
        }

        var span = destination.Span;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = bits.GetValueOrDefault((unitId, table, (ushort)(address + i)));
        }

        return ModbusOutcome.Success;
    }

    private ValueTask<ModbusOutcome?> BeginAsync(byte unitId, ushort address, int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            Requests.Add((unitId, address, count, timeProvider.GetUtcNow()));
        }

        if (SilentUnits.Contains(unitId))
        {
            timeProvider.Advance(responseTimeout);
            return ValueTask.FromResult<ModbusOutcome?>(new ModbusOutcome(ModbusOutcomeKind.Timeout, Detail: $"no reply within {responseTimeout.TotalMilliseconds} ms"));
        }

        if (ReplyDelay > TimeSpan.Zero)
        {
            timeProvider.Advance(ReplyDelay);
        }

        foreach (var (unit, start, end, outcome) in failures)
        {
            if (unit == unitId && address <= end && address + count - 1 >= start)
            {
                return ValueTask.FromResult<ModbusOutcome?>(outcome);
            }
        }

        return ValueTask.FromResult<ModbusOutcome?>(null);
    }

    public ValueTask<ModbusOutcome> WriteRegistersAsync(byte unitId, ushort address, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<ModbusOutcome> WriteCoilsAsync(byte unitId, ushort address, ReadOnlyMemory<bool> values, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<ModbusOutcome> ReadWriteRegistersAsync(byte unitId, ushort readAddress, Memory<ushort> destination, ushort writeAddress, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Keeps every appended batch, with the catalogue to name the series.</summary>
public sealed class RecordingSink(ISeriesCatalog catalog) : IReadingSink
{
    private readonly Lock gate = new();

    public List<Reading[]> Batches { get; } = [];

    public IEnumerable<(SeriesKey Series, Reading Reading)> All
    {
        get
        {
            lock (gate)
            {
                return [.. Batches.SelectMany(b => b).Select(r => (catalog[r.Series], r))];
            }
        }
    }

    public IEnumerable<Reading> Of(string field) => All.Where(x => x.Series.Field == field).Select(x => x.Reading);

    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            Batches.Add(readings.ToArray());
        }

        return ValueTask.CompletedTask;
    }
}
