namespace Loos.Edge.Testing;

/// <summary>
/// A clock whose wall time can be wrong and then stepped, as a Raspberry Pi's is at boot until NTP sets it: its
/// <see cref="GetUtcNow"/> is <paramref name="inner"/>'s plus <see cref="WallError"/>, while its timestamp (the monotonic
/// clock) and its timers are <paramref name="inner"/>'s and never jump.
/// </summary>
public sealed class SteppedClock(TimeProvider inner) : TimeProvider
{
    private long wallErrorTicks;

    /// <summary>How far the wall clock is from <paramref name="inner"/>'s; changing it is a step of the wall clock.</summary>
    public TimeSpan WallError
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref wallErrorTicks));
        set => Interlocked.Exchange(ref wallErrorTicks, value.Ticks);
    }

    /// <summary>The true time: <paramref name="inner"/>'s.</summary>
    public DateTimeOffset TrueNow => inner.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + WallError;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
