namespace Loos.Edge.Modbus.Transport;

/// <summary>One framing over one connection: sends a request PDU to a unit and receives the PDU of its reply.</summary>
internal interface IModbusTransport : IAsyncDisposable
{
    string Endpoint { get; }

    /// <summary>Where the caller writes the request PDU before <see cref="ExchangeAsync"/>; <c>ModbusPdu.MaxLength</c> bytes.</summary>
    Memory<byte> RequestPdu { get; }

    /// <summary>The reply PDU of the last exchange that succeeded; valid until the next exchange.</summary>
    ReadOnlyMemory<byte> ReplyPdu { get; }

    /// <summary>Whether unit 0 is a broadcast that no device answers (serial line, §2.1 of Modbus over Serial Line v1.02).</summary>
    bool IsBroadcast(byte unitId);

    /// <summary>
    /// Sends the first <paramref name="requestPduLength"/> bytes of <see cref="RequestPdu"/> and waits for a well-framed
    /// reply from <paramref name="unitId"/>; framing failures, timeouts and broken connections come back as outcomes.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<ModbusOutcome> ExchangeAsync(byte unitId, int requestPduLength, CancellationToken cancellationToken);
}
