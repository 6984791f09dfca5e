using System.Runtime.InteropServices;

namespace Loos.Edge.Core.Clock;

/// <summary>Whether the system clock can be believed: a Raspberry Pi has no real-time clock and boots at a stale time until NTP sets it.</summary>
public interface IClockTrust
{
    /// <summary>Null while the clock is trusted; otherwise why not, in words for the health endpoint.</summary>
    string? WhyNotTrusted();
}

/// <summary>Trusts the clock without asking: for machines whose clock is kept by their host (containers, virtual machines).</summary>
public sealed class AlwaysTrustedClock : IClockTrust
{
    public string? WhyNotTrusted() => null;
}

/// <summary>
/// The machine's NTP client, asked two ways: systemd-timesyncd's marker file (created once it has synchronised the
/// clock in this boot) and the kernel's clock state (<see cref="KernelClockTrust"/>), which timesyncd, timedated and
/// chrony (with its default <c>rtcsync</c>) all keep. Both are cheap: a file test and a system call, no process.
/// </summary>
public sealed class SystemClockTrust(string timesyncMarkerFile = SystemClockTrust.TimesyncMarkerFile) : IClockTrust
{
    /// <summary>Where systemd-timesyncd marks a synchronised clock.</summary>
    public const string TimesyncMarkerFile = "/run/systemd/timesync/synchronized";

    private readonly KernelClockTrust kernel = new();

    public string? WhyNotTrusted() => File.Exists(timesyncMarkerFile) ? null : kernel.WhyNotTrusted();
}

/// <summary>
/// Asks the kernel (<c>adjtimex(2)</c> with no change): the clock is trusted once NTP (systemd-timesyncd, chrony)
/// has marked it synchronised.
/// </summary>
public sealed partial class KernelClockTrust : IClockTrust
{
    /// <summary>What adjtimex returns while the clock is not synchronised.</summary>
    private const int TimeError = 5;

    public string? WhyNotTrusted()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // struct timex is 208 bytes on 64-bit Linux and smaller on 32-bit; modes = 0 (the first field) only reads.
        var timex = new byte[256];
        var state = AdjustTime(timex);
        return state switch
        {
            < 0 => $"the kernel's clock state cannot be read (errno {Marshal.GetLastPInvokeError()})",
            TimeError => "the system clock is not synchronised (no NTP time yet: a stale boot time is possible)",
            _ => null,
        };
    }

    [LibraryImport("libc", EntryPoint = "adjtimex", SetLastError = true)]
    private static partial int AdjustTime(byte[] timex);
}
