using System.Net.Sockets;
using System.Text;

namespace Loos.Edge.Integration.Tests;

/// <summary>The service manager's end of sd_notify(3): a Unix datagram socket the gateway is pointed at through NOTIFY_SOCKET.</summary>
public sealed class NotifySocket : IDisposable
{
    private readonly Socket socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly byte[] buffer = new byte[4096];

    public NotifySocket(string directory)
    {
        Path = System.IO.Path.Combine(directory, "notify.socket");
        socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    public string Path { get; }

    /// <summary>The next datagram, or null when none arrives within <paramref name="timeout"/>.</summary>
    public async Task<string?> ReceiveAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation.Token);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Discards what was sent before now.</summary>
    public async Task DrainAsync()
    {
        while (await ReceiveAsync(TimeSpan.FromMilliseconds(1)) is not null)
        {
        }
    }

    /// <summary>When each <c>WATCHDOG=1</c> arrived during <paramref name="duration"/>, by the test's stopwatch.</summary>
    public async Task<List<TimeSpan>> HeartbeatsDuringAsync(TimeSpan duration)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var heartbeats = new List<TimeSpan>();
        while (clock.Elapsed < duration)
        {
            if (await ReceiveAsync(TimeSpan.FromTicks(Math.Max(0, (duration - clock.Elapsed).Ticks))) is { } message && message.Split('\n').Contains("WATCHDOG=1"))
            {
                heartbeats.Add(clock.Elapsed);
            }
        }

        return heartbeats;
    }

    /// <summary>Closes the socket; its file goes with the directory it was made in.</summary>
    public void Dispose() => socket.Dispose();
}
