namespace Loos.Edge.Core;

/// <summary>The state of one forwarding target, as the health endpoint shows it.</summary>
public enum TargetState
{
    /// <summary>No write attempted yet.</summary>
    Starting,

    /// <summary>The last write was acknowledged.</summary>
    Healthy,

    /// <summary>Writes fail and are being retried with back-off.</summary>
    Retrying,

    /// <summary>Too many failures in a row: writes are paused for the break duration.</summary>
    CircuitOpen,

    /// <summary>The server refused the credentials (401/403): everything stays buffered until they are fixed.</summary>
    AuthenticationFailed,
}

/// <param name="Name">The target's name from the site file.</param>
/// <param name="Endpoint">The URL written to (without credentials).</param>
/// <param name="State">The current state.</param>
/// <param name="LastSuccess">When the server last acknowledged a write.</param>
/// <param name="ForwardLag">How old the newest acknowledged reading was when it was acknowledged.</param>
/// <param name="ForwardedReadings">Readings acknowledged since start.</param>
/// <param name="DeadLetteredReadings">Readings the server rejected (400/422), written to the dead-letter file, since start.</param>
/// <param name="LastError">The last failure, with the server's message.</param>
/// <param name="Alert">Set while a person must act (wrong credentials).</param>
/// <param name="DeadLetterEvictedReadings">Dead-lettered readings deleted since start to keep the dead-letter file within its cap.</param>
public sealed record TargetStatus(
    string Name,
    string Endpoint,
    TargetState State,
    DateTimeOffset? LastSuccess,
    TimeSpan? ForwardLag,
    long ForwardedReadings,
    long DeadLetteredReadings,
    string? LastError,
    string? Alert,
    long DeadLetterEvictedReadings = 0);

/// <summary>Reads the forwarding targets' states.</summary>
public interface IForwarderMonitor
{
    IReadOnlyList<TargetStatus> GetTargets();
}
