namespace Loos.Edge.Core;

/// <summary>
/// A loop's promise to come round again by a deadline (a poll loop: its next wake-up; the forwarder: the end of its
/// call's timeout), read by the watchdog: a loop past its deadline by more than the watchdog's grace is wedged.
/// Written by the loop, read from any thread.
/// </summary>
/// <param name="name">The loop as the log and health name it: <c>Modbus bus roof</c>.</param>
public sealed class LoopProgress(string name)
{
    private static readonly long IdleTicks = DateTimeOffset.MaxValue.UtcTicks;

    private long deadlineTicks = IdleTicks;

    /// <summary>The loop's name.</summary>
    public string Name { get; } = name;

    /// <summary>When the loop promised to come round again; <see cref="DateTimeOffset.MaxValue"/> while it promised nothing (idle).</summary>
    public DateTimeOffset Deadline => new(Volatile.Read(ref deadlineTicks), TimeSpan.Zero);

    /// <summary>Promises to come round again by <paramref name="deadline"/>.</summary>
    public void ExpectBy(DateTimeOffset deadline) => Volatile.Write(ref deadlineTicks, deadline.UtcTicks);

    /// <summary>Waits for something outside the gateway that may not come (readings, a schedule with no entry): no promise.</summary>
    public void Idle() => Volatile.Write(ref deadlineTicks, IdleTicks);
}

/// <summary>The loops a service runs, for the watchdog; a service registers itself as one in the container.</summary>
public interface ILoopProgressSource
{
    /// <summary>The loops running now.</summary>
    IEnumerable<LoopProgress> Loops { get; }
}
