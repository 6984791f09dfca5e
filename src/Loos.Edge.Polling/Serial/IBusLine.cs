namespace Loos.Edge.Polling.Serial;

/// <summary>A byte pipe to the devices of one bus: a serial port, or a TCP connection to a serial gateway.</summary>
internal interface IBusLine : IDisposable
{
    /// <summary>Where the line goes, for messages: the serial device, or the gateway's address.</summary>
    string Endpoint { get; }

    bool IsOpen { get; }

    /// <summary>Opens the line; a failure is a message that names the line and the cause, null on success.</summary>
    ValueTask<string?> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Writes a whole frame and returns once it has been handed to the line.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);

    /// <summary>Reads what has arrived, waiting for at least one byte; 0 when the line was closed.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Drops bytes already received (a late reply, noise); returns how many.</summary>
    int DiscardInput();

    void Close();
}
