using System.Globalization;
using System.IO.Ports;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Polling.Serial;

namespace Loos.Edge.Polling.Commissioning;

/// <summary>The doctor's check of one serial port: present, openable, and its user in <c>dialout</c>.</summary>
public static class SerialPortCheck
{
    private const string SerialGroup = "dialout";

    /// <summary>A check of <paramref name="devicePath"/>, which <paramref name="usedBy"/> (e.g. <c>modbus bus roof</c>) reads.</summary>
    public static IDoctorCheck For(string devicePath, string usedBy) => DoctorCheck.Of($"serial {devicePath} ({usedBy})", () => Run(devicePath));

    private static CheckResult Run(string devicePath)
    {
        if (!SerialDevices.Exists(devicePath))
        {
            return CheckResult.Fail(
                SerialDevices.DescribeMissing(devicePath),
                "plug the adapter in and check the cable (`dmesg | tail` shows what the kernel found), or correct the device path in the site file");
        }

        try
        {
            using var port = new SerialPort(devicePath);
            port.Open();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            var cause = SerialDevices.DescribeOpenFailure(devicePath, exception);
            return cause.StartsWith("permission denied", StringComparison.Ordinal)
                ? CheckResult.Fail(cause, $"sudo usermod -a -G {SerialGroup} {Environment.UserName}, then log in again (or restart the service)")
                : cause.Contains("in use", StringComparison.Ordinal)
                    ? CheckResult.Warn(cause, "expected while the gateway's service runs; otherwise stop the program that holds it")
                    : CheckResult.Fail(cause, "check the adapter and its driver (`dmesg | tail`)");
        }

        if (Environment.UserName != "root" && !IsInGroup(SerialGroup))
        {
            return CheckResult.Warn(
                $"{devicePath}: present and openable, but the user {Environment.UserName} is not in {SerialGroup} (a replugged adapter may not be)",
                $"sudo usermod -a -G {SerialGroup} {Environment.UserName}, then log in again");
        }

        return CheckResult.Pass($"{devicePath}: present and openable");
    }

    /// <summary>Whether this process has group <paramref name="group"/> (from /etc/group and /proc/self/status).</summary>
    private static bool IsInGroup(string group)
    {
        try
        {
            var line = File.ReadLines("/etc/group").FirstOrDefault(l => l.StartsWith(group + ":", StringComparison.Ordinal));
            if (line?.Split(':') is not [_, _, var gid, ..])
            {
                return false;
            }

            var status = File.ReadLines("/proc/self/status").Where(l => l.StartsWith("Groups:", StringComparison.Ordinal) || l.StartsWith("Gid:", StringComparison.Ordinal));
            return status.SelectMany(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                .Any(id => string.Equals(id, gid.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
