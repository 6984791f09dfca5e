using System.Runtime.CompilerServices;
using Loos.Edge.Modbus.Protocol;
using Loos.Edge.Modbus.Transport;

namespace Loos.Edge.Modbus;

/// <summary>Encodes requests, lets the transport frame them, and checks and decodes the replies; one request at a time.</summary>
internal sealed class ModbusMaster(IModbusTransport transport) : IModbusClient
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public string Endpoint => transport.Endpoint;

    public ValueTask<ModbusOutcome> ReadRegistersAsync(byte unitId, RegisterTable table, ushort address, Memory<ushort> destination, CancellationToken cancellationToken)
    {
        if (table is not (RegisterTable.Holding or RegisterTable.Input))
        {
            throw new ArgumentOutOfRangeException(nameof(table), table, "Not a register table.");
        }

        RejectBroadcastRead(unitId);
        return ExchangeAsync(unitId, new ReadRegisters((byte)table, address, destination), cancellationToken);
    }

    public ValueTask<ModbusOutcome> ReadBitsAsync(byte unitId, BitTable table, ushort address, Memory<bool> destination, CancellationToken cancellationToken)
    {
        if (table is not (BitTable.Coils or BitTable.DiscreteInputs))
        {
            throw new ArgumentOutOfRangeException(nameof(table), table, "Not a bit table.");
        }

        RejectBroadcastRead(unitId);
        return ExchangeAsync(unitId, new ReadBits((byte)table, address, destination), cancellationToken);
    }

    public ValueTask<ModbusOutcome> WriteRegistersAsync(byte unitId, ushort address, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken) =>
        ExchangeAsync(unitId, new WriteRegisters(address, values), cancellationToken);

    public ValueTask<ModbusOutcome> WriteCoilsAsync(byte unitId, ushort address, ReadOnlyMemory<bool> values, CancellationToken cancellationToken) =>
        ExchangeAsync(unitId, new WriteCoils(address, values), cancellationToken);

    public ValueTask<ModbusOutcome> ReadWriteRegistersAsync(
        byte unitId,
        ushort readAddress,
        Memory<ushort> destination,
        ushort writeAddress,
        ReadOnlyMemory<ushort> values,
        CancellationToken cancellationToken)
    {
        RejectBroadcastRead(unitId);
        return ExchangeAsync(unitId, new ReadWriteRegisters(readAddress, destination, writeAddress, values), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// One request under the gate: encode into the transport's buffer, exchange, check the reply, decode it. The
    /// request is a struct type argument, so no request allocates.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ModbusOutcome> ExchangeAsync<TRequest>(byte unitId, TRequest request, CancellationToken cancellationToken)
        where TRequest : struct, IRequest
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var requestLength = request.Encode(transport.RequestPdu.Span);
            var outcome = await transport.ExchangeAsync(unitId, requestLength, cancellationToken).ConfigureAwait(false);
            if (!outcome.IsSuccess || transport.IsBroadcast(unitId))
            {
                return outcome;
            }

            outcome = ModbusPdu.CheckReply(transport.RequestPdu.Span[..requestLength], transport.ReplyPdu.Span);
            if (outcome.IsSuccess)
            {
                request.Decode(transport.ReplyPdu.Span);
            }

            return outcome;
        }
        finally
        {
            gate.Release();
        }
    }

    private void RejectBroadcastRead(byte unitId)
    {
        if (transport.IsBroadcast(unitId))
        {
            throw new ArgumentOutOfRangeException(nameof(unitId), unitId, "Unit 0 is the broadcast address on a serial line: it can only be written to.");
        }
    }

    /// <summary>What differs between function codes: the request PDU, and what a checked reply fills in.</summary>
    private interface IRequest
    {
        int Encode(Span<byte> pdu);

        void Decode(ReadOnlySpan<byte> reply);
    }

    private readonly record struct ReadRegisters(byte Function, ushort Address, Memory<ushort> Destination) : IRequest
    {
        public int Encode(Span<byte> pdu) => ModbusPdu.EncodeRead(pdu, Function, Address, Destination.Length);

        public void Decode(ReadOnlySpan<byte> reply) => ModbusPdu.CopyRegisters(reply, Destination.Span);
    }

    private readonly record struct ReadBits(byte Function, ushort Address, Memory<bool> Destination) : IRequest
    {
        public int Encode(Span<byte> pdu) => ModbusPdu.EncodeRead(pdu, Function, Address, Destination.Length);

        public void Decode(ReadOnlySpan<byte> reply) => ModbusPdu.CopyBits(reply, Destination.Span);
    }

    /// <summary>Function 6 for one register, 16 for several.</summary>
    private readonly record struct WriteRegisters(ushort Address, ReadOnlyMemory<ushort> Values) : IRequest
    {
        public int Encode(Span<byte> pdu) => Values.Length == 1
            ? ModbusPdu.EncodeWriteSingleRegister(pdu, Address, Values.Span[0])
            : ModbusPdu.EncodeWriteMultipleRegisters(pdu, Address, Values.Span);

        public void Decode(ReadOnlySpan<byte> reply)
        {
        }
    }

    /// <summary>Function 5 for one coil, 15 for several.</summary>
    private readonly record struct WriteCoils(ushort Address, ReadOnlyMemory<bool> Values) : IRequest
    {
        public int Encode(Span<byte> pdu) => Values.Length == 1
            ? ModbusPdu.EncodeWriteSingleCoil(pdu, Address, Values.Span[0])
            : ModbusPdu.EncodeWriteMultipleCoils(pdu, Address, Values.Span);

        public void Decode(ReadOnlySpan<byte> reply)
        {
        }
    }

    private readonly record struct ReadWriteRegisters(ushort ReadAddress, Memory<ushort> Destination, ushort WriteAddress, ReadOnlyMemory<ushort> Values) : IRequest
    {
        public int Encode(Span<byte> pdu) => ModbusPdu.EncodeReadWriteMultipleRegisters(pdu, ReadAddress, Destination.Length, WriteAddress, Values.Span);

        public void Decode(ReadOnlySpan<byte> reply) => ModbusPdu.CopyRegisters(reply, Destination.Span);
    }
}
