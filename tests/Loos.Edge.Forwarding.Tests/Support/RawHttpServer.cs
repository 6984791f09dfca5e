using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Loos.Edge.Testing;

namespace Loos.Edge.Forwarding.Tests.Support;

/// <summary>What <see cref="RawHttpServer"/> does with one write.</summary>
public enum RawFault
{
    /// <summary>Reads the whole body, keeps it and answers 204.</summary>
    None,

    /// <summary>Reads part of the body, then closes the connection without answering.</summary>
    CloseMidBody,

    /// <summary>Reads part of the body, answers 204 at once and closes the connection, as a proxy that gave up reading would.</summary>
    Answer204ToTruncatedBody,

    /// <summary>Reads part of the body, answers 204 at once and keeps the connection open without reading any more.</summary>
    Answer204ThenStopReading,
}

/// <summary>
/// A minimal HTTP/1.1 server on a TcpListener, for faults Kestrel will not produce: it answers <c>GET /ping</c> with
/// 204 and treats each POST as <see cref="Fault"/> says for that write's index, keeping the bodies it read whole.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    // Far less than the bodies the fault tests send.
    private const int PartialBodyBytes = 16 * 1024;

    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<string> bodies = new();
    private readonly Task accepting;
    private int writes;

    public RawHttpServer(Func<int, RawFault> fault)
    {
        Fault = fault;
        listener = new TcpListener(IPAddress.Loopback, FreePort.Next());
        listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        accepting = AcceptAsync();
    }

    public Uri Url { get; }

    /// <summary>The fault for the write with the given 0-based index.</summary>
    public Func<int, RawFault> Fault { get; }

    /// <summary>How many writes arrived (whatever was done with them).</summary>
    public int Writes => Volatile.Read(ref writes);

    /// <summary>The bodies read whole and answered 204, decompressed.</summary>
    public IReadOnlyList<string> Bodies => [.. bodies];

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var connection = client;
        var stream = client.GetStream();
        try
        {
            while (true)
            {
                var head = await ReadHeadAsync(stream);
                if (head is null)
                {
                    return;
                }

                var lines = head.Split("\r\n");
                var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                    .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
                if (lines[0].StartsWith("GET /ping", StringComparison.Ordinal))
                {
                    await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), stopping.Token);
                    continue;
                }

                var length = int.Parse(headers["Content-Length"]);
                var fault = Fault(Interlocked.Increment(ref writes) - 1);
                if (fault != RawFault.None)
                {
                    await ReadExactlyAsync(stream, Math.Min(PartialBodyBytes, length / 2));
                    if (fault == RawFault.Answer204ToTruncatedBody)
                    {
                        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), stopping.Token);
                    }
                    else if (fault == RawFault.Answer204ThenStopReading)
                    {
                        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), stopping.Token);
                        await Task.Delay(Timeout.Infinite, stopping.Token);
                    }

                    return;
                }

                var body = await ReadExactlyAsync(stream, length);
                Stream content = new MemoryStream(body);
                if (headers.TryGetValue("Content-Encoding", out var encoding) && encoding == "gzip")
                {
                    content = new GZipStream(content, CompressionMode.Decompress);
                }

                using (var reader = new StreamReader(content))
                {
                    bodies.Enqueue(await reader.ReadToEndAsync());
                }

                await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), stopping.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
        {
            // The client went away, or the server is stopping.
        }
    }

    private async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, stopping.Token) == 0)
            {
                return null;
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString([.. head]);
    }

    private async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, stopping.Token);
        return buffer;
    }
}
