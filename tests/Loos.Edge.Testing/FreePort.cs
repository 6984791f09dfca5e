using System.Net;
using System.Net.Sockets;

namespace Loos.Edge.Testing;

/// <summary>Finds TCP ports on 127.0.0.1 that nothing listens on.</summary>
public static class FreePort
{
    /// <summary>A port the kernel just handed out for 127.0.0.1; another process could take it before it is used.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
