using Loos.Edge.Core;
namespace Loos.Edge.Polling;

/// <summary>Whether a device is answering.</summary>
public enum DeviceState : byte
{
    /// <summary>Answering, or not yet failed often enough to be backed off.</summary>
    Online,

    /// <summary>Backed off after too many consecutive timeouts; only probed once per back-off.</summary>
    Offline,
}

/// <summary>How a device circuit backs off.</summary>
public sealed class DeviceCircuitOptions
{
    /// <summary>Consecutive unanswered polls before the device is taken offline; 3 by default.</summary>
    public int OfflineAfterTimeouts { get; set; } = 3;

    /// <summary>The first back-off once offline, doubled after every failed probe; 10 s by default.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest back-off; 5 min by default.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Adds to <paramref name="problems"/> what is wrong with these settings, each key after <paramref name="path"/> (e.g. <c>mbus:lines:0</c>).</summary>
    public void Check(string path, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (OfflineAfterTimeouts < 1)
        {
            problems.Add($"{path}:offlineAfterTimeouts", "must be at least 1");
        }

        if (InitialBackoff <= TimeSpan.Zero)
        {
            problems.Add($"{path}:initialBackoff", "must be positive");
        }
        else if (MaxBackoff < InitialBackoff)
        {
            problems.Add($"{path}:maxBackoff", "must be at least initialBackoff");
        }
    }
}

/// <summary>
/// The circuit of one device on a shared bus: after <see cref="DeviceCircuitOptions.OfflineAfterTimeouts"/>
/// consecutive unanswered polls the device goes offline and gets one probe request per back-off (doubling up to
/// <see cref="DeviceCircuitOptions.MaxBackoff"/>), so it stops taking bus time from the devices that answer. Any
/// answer, even an exception reply, brings it back online. Not thread-safe: one poll loop owns it.
/// </summary>
public sealed class DeviceCircuit
{
    private readonly DeviceCircuitOptions options;
    private int consecutiveTimeouts;
    private TimeSpan backoff;

    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public DeviceCircuit(DeviceCircuitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.OfflineAfterTimeouts < 1 || options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            throw new ArgumentException("A device circuit needs at least 1 timeout and 0 < initialBackoff <= maxBackoff.", nameof(options));
        }

        this.options = options;
    }

    /// <summary>Online or offline.</summary>
    public DeviceState State { get; private set; }

    /// <summary>When an offline device may next be probed.</summary>
    public DateTimeOffset NextProbe { get; private set; }

    /// <summary>The current back-off; zero while online.</summary>
    public TimeSpan Backoff => State == DeviceState.Offline ? backoff : TimeSpan.Zero;

    /// <summary>
    /// Whether the device gets bus time at <paramref name="now"/>: always while online; once per back-off while
    /// offline, with <paramref name="isProbe"/> set (send one request, not the whole cycle).
    /// </summary>
    public bool ShouldPoll(DateTimeOffset now, out bool isProbe)
    {
        isProbe = State == DeviceState.Offline;
        return !isProbe || now >= NextProbe;
    }

    /// <summary>Records an answer; returns true when this brings the device back online.</summary>
    public bool RecordAnswer()
    {
        consecutiveTimeouts = 0;
        if (State == DeviceState.Online)
        {
            return false;
        }

        State = DeviceState.Online;
        backoff = TimeSpan.Zero;
        return true;
    }

    /// <summary>Records a poll that got no answer at <paramref name="now"/>; returns true when this takes the device offline.</summary>
    public bool RecordTimeout(DateTimeOffset now)
    {
        if (State == DeviceState.Offline)
        {
            backoff = backoff * 2 > options.MaxBackoff ? options.MaxBackoff : backoff * 2;
            NextProbe = now + backoff;
            return false;
        }

        if (++consecutiveTimeouts < options.OfflineAfterTimeouts)
        {
            return false;
        }

        State = DeviceState.Offline;
        backoff = options.InitialBackoff;
        NextProbe = now + backoff;
        return true;
    }
}
