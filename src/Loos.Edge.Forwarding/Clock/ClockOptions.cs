using Loos.Edge.Core;

namespace Loos.Edge.Forwarding.Clock;

/// <summary>When the system clock is believed.</summary>
public enum ClockTrustMode
{
    /// <summary>Once the NTP client (systemd-timesyncd, chrony) has synchronised it: a Raspberry Pi without a real-time clock boots at a stale time.</summary>
    Ntp,

    /// <summary>From boot: a battery-backed real-time clock keeps it, or the host does (a container, a virtual machine).</summary>
    Rtc,
}

/// <summary>The site file's <c>clock</c> section.</summary>
public sealed class ClockOptions
{
    /// <summary>The configuration section the host binds these options from.</summary>
    public const string SectionName = "clock";

    /// <summary>When the clock is believed; until then readings are held back from forwarding.</summary>
    public ClockTrustMode Trust { get; set; } = ClockTrustMode.Ntp;
}

/// <summary>Checks <see cref="ClockOptions"/>.</summary>
public static class ClockOptionsValidator
{
    public static ConfigurationProblems Check(ClockOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new ConfigurationProblems();
        if (!Enum.IsDefined(options.Trust))
        {
            problems.Add("clock:trust", "must be ntp (believe the clock once NTP has synchronised it) or rtc (a battery-backed clock, believed from boot)");
        }

        return problems;
    }
}
