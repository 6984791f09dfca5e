using System.Globalization;
using System.Net.Sockets;
using Loos.Edge.Polling.Serial;

namespace Loos.Edge.Modbus.Transport;

/// <summary>A TCP connection to a serial gateway that passes RTU frames (with CRC) through unchanged.</summary>
internal sealed class TcpRtuLine(string host, int port, TimeSpan connectTimeout) : IBusLine
{
    private readonly byte[] discardBuffer = new byte[256];
    private Socket? socket;

    public string Endpoint { get; } = string.Create(CultureInfo.InvariantCulture, $"rtu+tcp://{host}:{port}");

    public bool IsOpen => socket is not null;

    public async ValueTask<string?> OpenAsync(CancellationToken cancellationToken)
    {
        var candidate = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectTimeout);
        try
        {
            await candidate.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            socket = candidate;
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            candidate.Dispose();
            return string.Create(CultureInfo.InvariantCulture, $"could not connect to {host}:{port} within {connectTimeout.TotalMilliseconds} ms");
        }
        catch (SocketException exception)
        {
            candidate.Dispose();
            return $"could not connect to {host}:{port}: {exception.Message}";
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        await socket!.SendAsync(frame, SocketFlags.None, cancellationToken).ConfigureAwait(false);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => socket!.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public int DiscardInput()
    {
        var discarded = 0;
        while (socket!.Available > 0)
        {
            discarded += socket.Receive(discardBuffer, Math.Min(discardBuffer.Length, socket.Available), SocketFlags.None);
        }

        return discarded;
    }

    public void Close()
    {
        var current = socket;
        socket = null;
        current?.Dispose();
    }

    public void Dispose() => Close();
}
