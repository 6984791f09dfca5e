using Loos.Edge.Core;

namespace Loos.Edge.Forwarding;

/// <summary>The live state of one target, written by its loop and read by the health endpoint.</summary>
internal sealed class TargetTracker(string name, string endpoint)
{
    private readonly Lock gate = new();
    private TargetState state = TargetState.Starting;
    private DateTimeOffset? lastSuccess;
    private TimeSpan? forwardLag;
    private long forwarded;
    private long deadLettered;
    private long deadLetterEvicted;
    private string? lastError;
    private string? alert;

    public string Name { get; } = name;

    public TargetStatus Snapshot()
    {
        lock (gate)
        {
            return new TargetStatus(Name, endpoint, state, lastSuccess, forwardLag, forwarded, deadLettered, lastError, alert, deadLetterEvicted);
        }
    }

    /// <summary>The server accepted a write.</summary>
    public void Accepted(DateTimeOffset now)
    {
        lock (gate)
        {
            state = TargetState.Healthy;
            lastSuccess = now;
            alert = null;
        }
    }

    /// <summary>A batch is delivered and acknowledged in the buffer.</summary>
    public void Acknowledged(DateTimeOffset now, DateTimeOffset newestReading, int forwardedReadings)
    {
        lock (gate)
        {
            forwardLag = now - newestReading;
            forwarded += forwardedReadings;
        }
    }

    /// <summary>Readings went to the dead-letter file, and its cap deleted <paramref name="evictedReadings"/> older ones.</summary>
    public long AddDeadLettered(int readings, long evictedReadings)
    {
        lock (gate)
        {
            deadLettered += readings;
            deadLetterEvicted += evictedReadings;
            return deadLetterEvicted;
        }
    }

    public void Failed(TargetState newState, string error)
    {
        lock (gate)
        {
            // An open circuit says more than the retry in progress.
            if (newState != TargetState.Retrying || state != TargetState.CircuitOpen)
            {
                state = newState;
            }

            lastError = error;
        }
    }

    public void AuthenticationFailed(string error, string alertText)
    {
        lock (gate)
        {
            state = TargetState.AuthenticationFailed;
            lastError = error;
            alert = alertText;
        }
    }

    /// <summary>A rejection (400/422/413) was answered: the write went through to the server.</summary>
    public void Rejected(string error)
    {
        lock (gate)
        {
            lastError = error;
        }
    }
}

/// <summary>The forwarder's health, one entry per configured target.</summary>
internal sealed class ForwarderMonitor : IForwarderMonitor
{
    private readonly Dictionary<string, TargetTracker> trackers = new(StringComparer.Ordinal);
    private readonly List<TargetTracker> ordered = [];

    public TargetTracker GetOrAdd(string name, string endpoint)
    {
        lock (trackers)
        {
            if (!trackers.TryGetValue(name, out var tracker))
            {
                tracker = new TargetTracker(name, endpoint);
                trackers[name] = tracker;
                ordered.Add(tracker);
            }

            return tracker;
        }
    }

    public IReadOnlyList<TargetStatus> GetTargets()
    {
        lock (trackers)
        {
            return [.. ordered.Select(t => t.Snapshot())];
        }
    }
}
