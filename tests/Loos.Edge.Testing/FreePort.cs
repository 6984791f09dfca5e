using System.Net;
using System.Net.Sockets;

namespace Loos.Edge.Testing;

/// <summary>
/// Finds TCP ports on 127.0.0.1 that nothing listens on, below the kernel's ephemeral range: a port from that range
/// could be taken as the local end of any outgoing connection (a gateway talking to influxd) before the server
/// binds it, or while a server is stopped for a restart on the same port.
/// </summary>
public static class FreePort
{
    private const string EphemeralRangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
    private static readonly int FirstEphemeral = ReadFirstEphemeral();

    /// <summary>A random port below the ephemeral range that could be bound just now; another test could still take it first.</summary>
    public static int Next()
    {
        var low = Math.Max(1024, FirstEphemeral - 12000);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(low, FirstEphemeral);
            if (CanBind(port))
            {
                return port;
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int ReadFirstEphemeral()
    {
        try
        {
            var first = File.ReadAllText(EphemeralRangeFile).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0];
            return int.TryParse(first, out var port) && port > 2048 ? port : 32768;
        }
        catch (IOException)
        {
            return 32768;
        }
    }
}
