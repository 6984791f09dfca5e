namespace Loos.Edge.Core;

/// <summary>
/// A loop's promise to come round again within some time (a poll loop: until its next wake-up; the forwarder: its
/// call's timeout), read by the watchdog: a loop past its promise by more than the watchdog's grace is wedged.
/// Promises are kept on the monotonic clock, so a step of the wall clock (NTP setting a stale boot time) makes no loop
/// look late, nor hides one that is. Written by the loop, read from any thread.
/// </summary>
/// <param name="name">The loop as the log and health name it: <c>Modbus bus roof</c>.</param>
/// <param name="clock">The clock whose monotonic timestamps the promises are kept in.</param>
public sealed class LoopProgress(string name, TimeProvider clock)
{
    private const long NoPromise = long.MaxValue;

    private long deadlineTimestamp = NoPromise;

    /// <summary>The loop's name.</summary>
    public string Name { get; } = name;

    /// <summary>Promises to come round again within <paramref name="wait"/> from now.</summary>
    public void ExpectWithin(TimeSpan wait) =>
        Volatile.Write(ref deadlineTimestamp, clock.GetTimestamp() + (long)(Math.Max(0, wait.TotalSeconds) * clock.TimestampFrequency));

    /// <summary>Waits for something outside the gateway that may not come (readings, a schedule with no entry): no promise.</summary>
    public void Idle() => Volatile.Write(ref deadlineTimestamp, NoPromise);

    /// <summary>How far past its promise the loop is now (negative while it is within it); null while it promised nothing.</summary>
    public TimeSpan? Lateness()
    {
        var deadline = Volatile.Read(ref deadlineTimestamp);
        return deadline == NoPromise ? null : TimeSpan.FromSeconds((double)(clock.GetTimestamp() - deadline) / clock.TimestampFrequency);
    }
}

/// <summary>The loops a service runs, for the watchdog; a service registers itself as one in the container.</summary>
public interface ILoopProgressSource
{
    /// <summary>The loops running now.</summary>
    IEnumerable<LoopProgress> Loops { get; }
}
