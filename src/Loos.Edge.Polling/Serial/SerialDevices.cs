using System.IO.Ports;

namespace Loos.Edge.Polling.Serial;

/// <summary>
/// The serial device nodes of this machine, and what to tell a technician when one cannot be opened: System.IO.Ports
/// reports a missing node as "Access to the port is denied", which sends them after group permissions.
/// </summary>
public static class SerialDevices
{
    // USB adapters, CDC modems, the Pi's own UARTs and their stable aliases; /dev/ttyS* only when a driver claims them (System.IO.Ports' list).
    private static readonly string[] Patterns = ["ttyUSB*", "ttyACM*", "ttyAMA*", "serial?"];

    /// <summary>The serial ports present here, e.g. <c>/dev/ttyAMA0</c>, <c>/dev/ttyUSB0</c>, sorted.</summary>
    public static IReadOnlyList<string> Present()
    {
        var found = new SortedSet<string>(SerialPort.GetPortNames(), StringComparer.Ordinal);
        if (Directory.Exists("/dev"))
        {
            foreach (var pattern in Patterns)
            {
                foreach (var path in Directory.EnumerateFileSystemEntries("/dev", pattern))
                {
                    found.Add(path);
                }
            }
        }

        return [.. found];
    }

    /// <summary>Whether <paramref name="devicePath"/> names a node that exists (a symbolic link only when its target does).</summary>
    public static bool Exists(string devicePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(devicePath);
        if (!File.Exists(devicePath))
        {
            return false;
        }

        try
        {
            return File.ResolveLinkTarget(devicePath, returnFinalTarget: true) is not { } target || target.Exists;
        }
        catch (IOException)
        {
            return false; // A loop of links.
        }
    }

    /// <summary><c>/dev/ttyUSB3 does not exist (serial ports here: /dev/ttyUSB0, /dev/ttyAMA0)</c>.</summary>
    public static string DescribeMissing(string devicePath)
    {
        var present = Present();
        return present.Count == 0
            ? $"{devicePath} does not exist (no serial port here)"
            : $"{devicePath} does not exist (serial ports here: {string.Join(", ", present)})";
    }

    /// <summary>Why opening <paramref name="devicePath"/> failed with <paramref name="exception"/>, in words a technician can act on.</summary>
    public static string DescribeOpenFailure(string devicePath, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!Exists(devicePath))
        {
            return DescribeMissing(devicePath);
        }

        // System.IO.Ports wraps the system's error (EACCES, or EAGAIN from its lock on a port in use) as "access denied".
        var cause = exception.InnerException?.Message ?? exception.Message;
        return exception is UnauthorizedAccessException && cause.Contains("Permission denied", StringComparison.OrdinalIgnoreCase)
            ? $"permission denied on {devicePath}: {PermissionAdvice()}"
            : exception is UnauthorizedAccessException && cause.Contains("temporarily unavailable", StringComparison.OrdinalIgnoreCase)
                ? $"{devicePath} is in use by another program (a running gateway, a terminal program)"
                : $"{devicePath}: {cause}";
    }

    /// <summary>How to give the current user the serial ports: membership of <c>dialout</c>.</summary>
    public static string PermissionAdvice()
    {
        var user = Environment.UserName;
        return $"the user {user} may not open it; serial ports belong to the group dialout: sudo usermod -a -G dialout {user}, then log in again (or restart the service)";
    }
}
