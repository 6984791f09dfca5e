using System.Globalization;
using Loos.Edge.Modbus;

namespace Loos.Edge.SunSpec;

/// <summary>Options of a SunSpec discovery.</summary>
public sealed class SunSpecReadOptions
{
    /// <summary>
    /// Where to look for the <c>SunS</c> marker, in order; default 40000, 0, 50000 (SunSpec Information Model
    /// Specification §4.1: the map starts at one of these holding-register addresses, 40000 by far the most common).
    /// </summary>
    public IReadOnlyList<ushort> BaseAddresses { get; init; } = [40000, 0, 50000];

    /// <summary>The largest read a request may ask for, in registers; default 125, the Modbus maximum (MODBUS Application Protocol v1.1b3 §6.3). Lower it for devices that need smaller blocks.</summary>
    public int MaximumRegistersPerRequest { get; init; } = 125;

    /// <summary>How many models the chain may hold before it is taken as corrupt; default 256.</summary>
    public int MaximumModels { get; init; } = 256;
}

/// <summary>The result of a discovery: the device, or why there is none.</summary>
/// <param name="Device">The device with the models read, when the marker was found (possibly partial when <paramref name="Error"/> is set).</param>
/// <param name="Error">A one-line cause of failure, or null on success.</param>
/// <param name="Outcome">The failed Modbus request's outcome, when a request failed.</param>
public sealed record SunSpecReadResult(SunSpecDevice? Device, string? Error, ModbusOutcome? Outcome = null)
{
    /// <summary>Whether the whole model chain was read to its end.</summary>
    public bool IsSuccess => Error is null && Device is not null;
}

/// <summary>Finds the SunSpec map of a device, walks its model chain and decodes the models.</summary>
public static class SunSpecReader
{
    // SunSpec Information Model Specification §4.1: "SunS" as two registers, 0x5375 0x6E53.
    private const ushort MarkerHigh = 0x5375;
    private const ushort MarkerLow = 0x6E53;

    // §4.2: the end model has id 0xFFFF (and length 0).
    private const ushort EndModelId = 0xFFFF;

    /// <summary>
    /// Discovers and reads the SunSpec device at <paramref name="unitId"/>. Field failures (no answer, no marker, a broken
    /// chain) come back in the result, never as exceptions.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<SunSpecReadResult> ReadAsync(
        IModbusClient client,
        byte unitId,
        SunSpecReadOptions? options = null,
        IProgress<int>? registersRead = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= new SunSpecReadOptions();
        var marker = new ushort[2];
        ushort? baseAddress = null;
        ModbusOutcome? lastFailure = null;
        foreach (var candidate in options.BaseAddresses)
        {
            var outcome = await client.ReadRegistersAsync(unitId, RegisterTable.Holding, candidate, marker, cancellationToken).ConfigureAwait(false);
            if (outcome.IsSuccess && marker[0] == MarkerHigh && marker[1] == MarkerLow)
            {
                baseAddress = candidate;
                break;
            }

            if (outcome.Kind is ModbusOutcomeKind.Timeout or ModbusOutcomeKind.ConnectionFailed)
            {
                // A unit that does not answer at all will not answer at the next address either.
                return new SunSpecReadResult(null, $"unit {unitId} at {client.Endpoint} is not answering: {outcome}", outcome);
            }

            lastFailure = outcome.IsSuccess ? lastFailure : outcome;
        }

        if (baseAddress is not { } start)
        {
            var addresses = string.Join('/', options.BaseAddresses.Select(address => address.ToString(CultureInfo.InvariantCulture)));
            return new SunSpecReadResult(null, $"no SunSpec marker found at {addresses} on unit {unitId} at {client.Endpoint}", lastFailure);
        }

        var models = new List<SunSpecModel>();
        var header = new ushort[2];
        var address = start + 2;
        var total = 2;
        while (true)
        {
            if (models.Count >= options.MaximumModels)
            {
                return Partial($"the model chain does not end after {models.Count} models (next header at {address}); the device map looks corrupt", null);
            }

            if (address + 2 > ushort.MaxValue + 1)
            {
                return Partial($"the model chain runs past the last register (next header at {address}) without an end model", null);
            }

            var outcome = await client.ReadRegistersAsync(unitId, RegisterTable.Holding, (ushort)address, header, cancellationToken).ConfigureAwait(false);
            if (!outcome.IsSuccess)
            {
                return Partial($"reading the model header at {address} failed: {outcome}", outcome);
            }

            if (header[0] == EndModelId)
            {
                break;
            }

            var length = header[1];
            if (address + 2 + length > ushort.MaxValue + 1)
            {
                return Partial($"model {header[0]} at {address} claims {length} registers, past the last register; the device map looks corrupt", null);
            }

            var registers = new ushort[2 + length];
            header.CopyTo(registers, 0);
            for (var offset = 0; offset < length; offset += options.MaximumRegistersPerRequest)
            {
                var count = Math.Min(options.MaximumRegistersPerRequest, length - offset);
                var blockAddress = (ushort)(address + 2 + offset);
                outcome = await client.ReadRegistersAsync(unitId, RegisterTable.Holding, blockAddress, registers.AsMemory(2 + offset, count), cancellationToken).ConfigureAwait(false);
                if (!outcome.IsSuccess)
                {
                    return Partial($"reading model {header[0]} at {blockAddress} ({count} registers) failed: {outcome}", outcome);
                }
            }

            models.Add(SunSpecModels.TryGet(header[0], out var definition)
                ? SunSpecDecoder.Decode(definition, (ushort)address, registers)
                : SunSpecDecoder.Undecoded(header[0], (ushort)address, registers));
            total += 2 + length;
            registersRead?.Report(total);
            address += 2 + length;
        }

        return new SunSpecReadResult(new SunSpecDevice(start, models), null);

        SunSpecReadResult Partial(string error, ModbusOutcome? outcome) => new(new SunSpecDevice(start, models), error, outcome);
    }

    /// <summary>Decodes a register image that starts with the <c>SunS</c> marker at <paramref name="baseAddress"/>, without a device.</summary>
    /// <exception cref="FormatException">The image does not start with <c>SunS</c>, or its chain is broken.</exception>
    public static SunSpecDevice Decode(ReadOnlyMemory<ushort> registers, ushort baseAddress)
    {
        var span = registers.Span;
        if (span.Length < 2 || span[0] != MarkerHigh || span[1] != MarkerLow)
        {
            throw new FormatException($"no SunSpec marker at {baseAddress}");
        }

        var models = new List<SunSpecModel>();
        var offset = 2;
        while (offset + 2 <= span.Length && span[offset] != EndModelId)
        {
            var length = span[offset + 1];
            if (offset + 2 + length > span.Length)
            {
                throw new FormatException($"model {span[offset]} at {baseAddress + offset} runs past the end of the image");
            }

            var model = registers.Slice(offset, 2 + length);
            var address = (ushort)(baseAddress + offset);
            models.Add(SunSpecModels.TryGet(span[offset], out var definition)
                ? SunSpecDecoder.Decode(definition, address, model)
                : SunSpecDecoder.Undecoded(span[offset], address, model));
            offset += 2 + length;
        }

        return new SunSpecDevice(baseAddress, models);
    }
}
