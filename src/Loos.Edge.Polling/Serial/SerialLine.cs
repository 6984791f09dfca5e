using System.IO.Ports;

namespace Loos.Edge.Polling.Serial;

/// <summary>How a serial port is driven: device, character format and RS-485 direction control.</summary>
/// <param name="DevicePath">The serial device, e.g. <c>/dev/ttyUSB0</c>.</param>
/// <param name="BaudRate">The baud rate.</param>
/// <param name="Parity">The parity bit.</param>
/// <param name="DataBits">Data bits per character.</param>
/// <param name="StopBits">Stop bits per character.</param>
/// <param name="ToggleRtsForDirection">Raise RTS while sending and drop it once the frame has left the UART, for transceivers whose driver enable is wired to RTS.</param>
internal sealed record SerialLineSettings(string DevicePath, int BaudRate, Parity Parity, int DataBits, StopBits StopBits, bool ToggleRtsForDirection = false);

/// <summary>
/// A serial port through System.IO.Ports, with optional RS-485 direction control on RTS: the line of a Modbus RTU bus
/// or of an M-Bus level converter. Reads and writes wait without a timeout: the protocol above times them.
/// </summary>
/// <param name="settings">The port and its character format.</param>
/// <param name="endpoint">The line's name in messages; the device path by default.</param>
internal sealed class SerialLine(SerialLineSettings settings, string? endpoint = null) : IBusLine
{
    private SerialPort? port;
    private Stream? stream;

    public string Endpoint => endpoint ?? settings.DevicePath;

    public bool IsOpen => port is { IsOpen: true };

    public ValueTask<string?> OpenAsync(CancellationToken cancellationToken)
    {
        if (!SerialDevices.Exists(settings.DevicePath))
        {
            return ValueTask.FromResult<string?>(CannotOpen(SerialDevices.DescribeMissing(settings.DevicePath)));
        }

        var candidate = new SerialPort(settings.DevicePath, settings.BaudRate, settings.Parity, settings.DataBits, settings.StopBits)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
            WriteTimeout = SerialPort.InfiniteTimeout,
        };
        try
        {
            candidate.Open();
            if (settings.ToggleRtsForDirection)
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
            return ValueTask.FromResult<string?>(CannotOpen(SerialDevices.DescribeOpenFailure(settings.DevicePath, exception)));
        }
    }

    private string CannotOpen(string cause) =>
        $"could not open {settings.DevicePath} at {settings.BaudRate} baud, parity {settings.Parity.ToString().ToLowerInvariant()}: {cause}";

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (settings.ToggleRtsForDirection)
        {
            port!.RtsEnable = true;
        }

        await stream!.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        if (settings.ToggleRtsForDirection)
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
