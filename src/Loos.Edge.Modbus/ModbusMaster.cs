using System.Runtime.CompilerServices;
using Loos.Edge.Modbus.Protocol;
using Loos.Edge.Modbus.Transport;

namespace Loos.Edge.Modbus;

/// <summary>Encodes requests, lets the transport frame them, and checks and decodes the replies; one request at a time.</summary>
internal sealed class ModbusMaster(IModbusTransport transport) : IModbusClient
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public string Endpoint => transport.Endpoint;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ModbusOutcome> ReadRegistersAsync(byte unitId, RegisterTable table, ushort address, Memory<ushort> destination, CancellationToken cancellationToken)
    {
        if (table is not (RegisterTable.Holding or RegisterTable.Input))
        {
            throw new ArgumentOutOfRangeException(nameof(table), table, "Not a register table.");
        }

        RejectBroadcastRead(unitId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var length = ModbusPdu.EncodeRead(transport.RequestPdu.Span, (byte)table, address, destination.Length);
            var outcome = await ExchangeAsync(unitId, length, cancellationToken).ConfigureAwait(false);
            if (outcome.IsSuccess)
            {
                ModbusPdu.CopyRegisters(transport.ReplyPdu.Span, destination.Span);
            }

            return outcome;
        }
        finally
        {
            gate.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ModbusOutcome> ReadBitsAsync(byte unitId, BitTable table, ushort address, Memory<bool> destination, CancellationToken cancellationToken)
    {
        if (table is not (BitTable.Coils or BitTable.DiscreteInputs))
        {
            throw new ArgumentOutOfRangeException(nameof(table), table, "Not a bit table.");
        }

        RejectBroadcastRead(unitId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var length = ModbusPdu.EncodeRead(transport.RequestPdu.Span, (byte)table, address, destination.Length);
            var outcome = await ExchangeAsync(unitId, length, cancellationToken).ConfigureAwait(false);
            if (outcome.IsSuccess)
            {
                ModbusPdu.CopyBits(transport.ReplyPdu.Span, destination.Span);
            }

            return outcome;
        }
        finally
        {
            gate.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ModbusOutcome> WriteRegistersAsync(byte unitId, ushort address, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var length = values.Length == 1
                ? ModbusPdu.EncodeWriteSingleRegister(transport.RequestPdu.Span, address, values.Span[0])
                : ModbusPdu.EncodeWriteMultipleRegisters(transport.RequestPdu.Span, address, values.Span);
            return await ExchangeAsync(unitId, length, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ModbusOutcome> WriteCoilsAsync(byte unitId, ushort address, ReadOnlyMemory<bool> values, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var length = values.Length == 1
                ? ModbusPdu.EncodeWriteSingleCoil(transport.RequestPdu.Span, address, values.Span[0])
                : ModbusPdu.EncodeWriteMultipleCoils(transport.RequestPdu.Span, address, values.Span);
            return await ExchangeAsync(unitId, length, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ModbusOutcome> ReadWriteRegistersAsync(
        byte unitId,
        ushort readAddress,
        Memory<ushort> destination,
        ushort writeAddress,
        ReadOnlyMemory<ushort> values,
        CancellationToken cancellationToken)
    {
        RejectBroadcastRead(unitId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var length = ModbusPdu.EncodeReadWriteMultipleRegisters(transport.RequestPdu.Span, readAddress, destination.Length, writeAddress, values.Span);
            var outcome = await ExchangeAsync(unitId, length, cancellationToken).ConfigureAwait(false);
            if (outcome.IsSuccess)
            {
                ModbusPdu.CopyRegisters(transport.ReplyPdu.Span, destination.Span);
            }

            return outcome;
        }
        finally
        {
            gate.Release();
        }
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ModbusOutcome> ExchangeAsync(byte unitId, int requestLength, CancellationToken cancellationToken)
    {
        var outcome = await transport.ExchangeAsync(unitId, requestLength, cancellationToken).ConfigureAwait(false);
        if (!outcome.IsSuccess || transport.IsBroadcast(unitId))
        {
            return outcome;
        }

        return ModbusPdu.CheckReply(transport.RequestPdu.Span[..requestLength], transport.ReplyPdu.Span);
    }

    private void RejectBroadcastRead(byte unitId)
    {
        if (transport.IsBroadcast(unitId))
        {
            throw new ArgumentOutOfRangeException(nameof(unitId), unitId, "Unit 0 is the broadcast address on a serial line: it can only be written to.");
        }
    }
}
