using System.IO.Ports;

namespace Loos.Edge.MBus.Master;

/// <summary>The serial port of a level converter, through System.IO.Ports.</summary>
internal sealed class SerialMBusLine(MBusLineOptions options) : IMBusLine
{
    private SerialPort? port;
    private Stream? stream;

    public string Name => options.DevicePath;

    public bool IsOpen => port is { IsOpen: true };

    public void Open()
    {
        var candidate = new SerialPort(options.DevicePath, options.BaudRate, options.Parity, 8, options.StopBits)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
            WriteTimeout = SerialPort.InfiniteTimeout,
        };
        try
        {
            candidate.Open();
            candidate.DiscardInBuffer();
            port = candidate;
            stream = candidate.BaseStream;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            candidate.Dispose();
            throw new MBusLineException($"could not open {options.DevicePath} at {options.BaudRate} baud, parity {options.Parity.ToString().ToLowerInvariant()}: {exception.Message}", exception);
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) => stream!.WriteAsync(frame, cancellationToken);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => stream!.ReadAsync(buffer, cancellationToken);

    public int DiscardInput()
    {
        var pending = port!.BytesToRead;
        if (pending > 0)
        {
            port.DiscardInBuffer();
        }

        return pending;
    }

    public void Close()
    {
        var current = port;
        port = null;
        stream = null;
        current?.Dispose();
    }

    public void Dispose() => Close();
}
