using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Loos.Edge.Hosting;

/// <summary>
/// Sends states to the service manager over the datagram socket systemd names in <c>NOTIFY_SOCKET</c> (sd_notify(3)):
/// a path, or an abstract name written with a leading <c>@</c>.
/// </summary>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly Socket socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint endpoint;

    private SystemdNotifier(string address) =>
        endpoint = new UnixDomainSocketEndPoint(address.StartsWith('@') ? "\0" + address[1..] : address);

    /// <summary>The notifier of <c>NOTIFY_SOCKET</c>, or null when the gateway does not run under systemd's notify protocol.</summary>
    public static SystemdNotifier? FromEnvironment() =>
        Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 } address ? new SystemdNotifier(address) : null;

    /// <summary>
    /// How long systemd waits for a <c>WATCHDOG=1</c> (<c>WATCHDOG_USEC</c>), or null when it does not watch this
    /// process (no watchdog, or one meant for another process: <c>WATCHDOG_PID</c>).
    /// </summary>
    public static TimeSpan? WatchdogTimeout()
    {
        if (Environment.GetEnvironmentVariable("WATCHDOG_PID") is { Length: > 0 } pid
            && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return ulong.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) && microseconds > 0
            ? TimeSpan.FromMicroseconds(microseconds)
            : null;
    }

    /// <summary>Sends <paramref name="state"/> (<c>WATCHDOG=1</c>, <c>READY=1</c>, …); false when the socket refused it.</summary>
    public bool Notify(string state)
    {
        try
        {
            socket.SendTo(Encoding.UTF8.GetBytes(state), endpoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose() => socket.Dispose();
}
