namespace Loos.Edge.Modbus;

/// <summary>
/// A Modbus master on one connection (a TCP device or gateway, or a serial line), whatever the framing (TCP/MBAP,
/// RTU, RTU over TCP). Expected field failures (no answer, an exception reply, a bad CRC) come back as a
/// <see cref="ModbusOutcome"/>, never as exceptions; one request is on the wire at a time per client.
/// </summary>
public interface IModbusClient : IAsyncDisposable
{
    /// <summary>Where requests go, for messages: <c>tcp://10.0.0.5:502</c>, <c>rtu:///dev/ttyUSB0@9600-8E1</c>.</summary>
    string Endpoint { get; }

    /// <summary>
    /// Reads <c>destination.Length</c> registers (1–125) from <paramref name="address"/> with function 3 (holding)
    /// or 4 (input) into <paramref name="destination"/>; on failure <paramref name="destination"/> is left unspecified.
    /// </summary>
    ValueTask<ModbusOutcome> ReadRegistersAsync(byte unitId, RegisterTable table, ushort address, Memory<ushort> destination, CancellationToken cancellationToken);

    /// <summary>Reads <c>destination.Length</c> coils (function 1) or discrete inputs (function 2), 1–2000.</summary>
    ValueTask<ModbusOutcome> ReadBitsAsync(byte unitId, BitTable table, ushort address, Memory<bool> destination, CancellationToken cancellationToken);

    /// <summary>Writes registers: function 6 for one register, 16 for several (1–123).</summary>
    ValueTask<ModbusOutcome> WriteRegistersAsync(byte unitId, ushort address, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken);

    /// <summary>Writes coils: function 5 for one coil, 15 for several (1–1968).</summary>
    ValueTask<ModbusOutcome> WriteCoilsAsync(byte unitId, ushort address, ReadOnlyMemory<bool> values, CancellationToken cancellationToken);

    /// <summary>Function 23: writes registers, then reads registers, in one transaction.</summary>
    ValueTask<ModbusOutcome> ReadWriteRegistersAsync(
        byte unitId,
        ushort readAddress,
        Memory<ushort> destination,
        ushort writeAddress,
        ReadOnlyMemory<ushort> values,
        CancellationToken cancellationToken);
}

/// <summary>Which register table a read addresses.</summary>
public enum RegisterTable : byte
{
    /// <summary>Holding registers, function 3.</summary>
    Holding = 3,

    /// <summary>Input registers, function 4.</summary>
    Input = 4,
}

/// <summary>Which bit table a read addresses.</summary>
public enum BitTable : byte
{
    /// <summary>Coils, function 1.</summary>
    Coils = 1,

    /// <summary>Discrete inputs, function 2.</summary>
    DiscreteInputs = 2,
}
