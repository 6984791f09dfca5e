using Loos.Edge.Modbus;

namespace Loos.Edge.SunSpec.Tests;

/// <summary>An in-memory Modbus device serving a holding-register image; addresses outside the image get exception 2.</summary>
internal sealed class RegisterImageClient : IModbusClient
{
    private readonly ushort?[] image = new ushort?[65536];

    public RegisterImageClient(ushort firstAddress, IEnumerable<ushort> registers)
    {
        var address = firstAddress;
        foreach (var register in registers)
        {
            image[address++] = register;
        }
    }

    public string Endpoint => "memory://image";

    /// <summary>Changes one register of the image.</summary>
    public void Overwrite(ushort address, ushort value) => image[address] = value;

    /// <summary>Every read as (address, count).</summary>
    public List<(ushort Address, int Count)> Reads { get; } = [];

    /// <summary>When set, every request ends this way instead of being answered.</summary>
    public ModbusOutcome? FailWith { get; set; }

    public ValueTask<ModbusOutcome> ReadRegistersAsync(byte unitId, RegisterTable table, ushort address, Memory<ushort> destination, CancellationToken cancellationToken)
    {
        Reads.Add((address, destination.Length));
        if (FailWith is { } failure)
        {
            return ValueTask.FromResult(failure);
        }

        if (destination.Length is < 1 or > 125)
        {
            return ValueTask.FromResult(new ModbusOutcome(ModbusOutcomeKind.DeviceException, 3));
        }

        for (var index = 0; index < destination.Length; index++)
        {
            if (address + index > ushort.MaxValue || image[address + index] is not { } value)
            {
                return ValueTask.FromResult(new ModbusOutcome(ModbusOutcomeKind.DeviceException, 2));
            }

            destination.Span[index] = value;
        }

        return ValueTask.FromResult(ModbusOutcome.Success);
    }

    public ValueTask<ModbusOutcome> ReadBitsAsync(byte unitId, BitTable table, ushort address, Memory<bool> destination, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ModbusOutcome(ModbusOutcomeKind.DeviceException, 1));

    public ValueTask<ModbusOutcome> WriteRegistersAsync(byte unitId, ushort address, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ModbusOutcome(ModbusOutcomeKind.DeviceException, 1));

    public ValueTask<ModbusOutcome> WriteCoilsAsync(byte unitId, ushort address, ReadOnlyMemory<bool> values, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ModbusOutcome(ModbusOutcomeKind.DeviceException, 1));

    public ValueTask<ModbusOutcome> ReadWriteRegistersAsync(byte unitId, ushort readAddress, Memory<ushort> destination, ushort writeAddress, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ModbusOutcome(ModbusOutcomeKind.DeviceException, 1));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
