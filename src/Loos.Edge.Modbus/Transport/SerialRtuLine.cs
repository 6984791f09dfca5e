using System.IO.Ports;

namespace Loos.Edge.Modbus.Transport;

/// <summary>A serial port through System.IO.Ports, with optional RS-485 direction control on RTS.</summary>
internal sealed class SerialRtuLine(ModbusSerialOptions options) : IRtuLine
{
    private SerialPort? port;
    private Stream? stream;

    public string Endpoint => options.Endpoint;

    public bool IsOpen => port is { IsOpen: true };

    public ValueTask<string?> OpenAsync(CancellationToken cancellationToken)
    {
        var candidate = new SerialPort(options.DevicePath, options.BaudRate, options.Parity, options.DataBits, options.StopBits)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
            WriteTimeout = SerialPort.InfiniteTimeout,
        };
        try
        {
            candidate.Open();
            if (options.ToggleRtsForDirection)
            {
                candidate.RtsEnable = false; // Receive: the transceiver's driver stays off until we send.
            }

            candidate.DiscardInBuffer();
            port = candidate;
            stream = candidate.BaseStream;
            return ValueTask.FromResult<string?>(null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            candidate.Dispose();
            return ValueTask.FromResult<string?>($"could not open {options.DevicePath}: {exception.Message}");
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (options.ToggleRtsForDirection)
        {
            port!.RtsEnable = true;
        }

        await stream!.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        if (options.ToggleRtsForDirection)
        {
            // Flush drains the UART (tcdrain) so that the last stop bit is out before the driver is released.
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            port!.RtsEnable = false;
        }
    }

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
