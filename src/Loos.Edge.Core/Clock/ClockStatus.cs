namespace Loos.Edge.Core.Clock;

/// <summary>The state of the system clock as the gateway uses it: health and the self-metrics show it.</summary>
/// <param name="Synchronised">True once the clock was found synchronised (or is trusted at boot: a battery-backed clock).</param>
/// <param name="Since">When it became synchronised, or when it was found unsynchronised (by that clock, so possibly stale).</param>
/// <param name="HeldReadings">Readings taken while unsynchronised, kept in the buffer and held back from forwarding until their time can be corrected.</param>
/// <param name="SetAsideReadings">Readings of an earlier boot whose time could not be corrected, written aside with the quality <c>clock-unsynced</c> since the gateway started.</param>
/// <param name="Detail">What a person should know, or null.</param>
public sealed record ClockStatus(bool Synchronised, DateTimeOffset? Since, long HeldReadings, long SetAsideReadings, string? Detail);

/// <summary>Reads the clock's state; registered by the clock module.</summary>
public interface IClockMonitor
{
    ClockStatus GetClockStatus();
}

/// <summary>The identity of the running boot: the monotonic clock counts from it, so an offset measured against it holds only within it.</summary>
public static class BootId
{
    /// <summary>The kernel's random boot id, or <see cref="Guid.Empty"/> where there is none (not Linux): then no two runs count as one boot.</summary>
    public static Guid Current()
    {
        try
        {
            return Guid.TryParse(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim(), out var id) ? id : Guid.Empty;
        }
        catch (IOException)
        {
            return Guid.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return Guid.Empty;
        }
    }
}
