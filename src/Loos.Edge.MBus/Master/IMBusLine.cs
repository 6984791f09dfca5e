namespace Loos.Edge.MBus.Master;

/// <summary>A byte pipe to the M-Bus level converter.</summary>
internal interface IMBusLine : IDisposable
{
    /// <summary>The device, for messages.</summary>
    string Name { get; }

    bool IsOpen { get; }

    /// <exception cref="MBusLineException">The port cannot be opened.</exception>
    void Open();

    ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);

    /// <summary>Reads what has arrived, waiting for at least one byte; 0 when the line was closed.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Drops bytes already received (a late reply, noise); returns how many.</summary>
    int DiscardInput();

    void Close();
}
