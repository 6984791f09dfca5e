namespace Loos.Edge.Lighting.Dispatch;

/// <summary>What a command became, as the <c>lighting_command</c> series records it.</summary>
internal enum CommandOutcome
{
    /// <summary>Sent for the first time.</summary>
    Sent,

    /// <summary>Sent again: not confirmed in time, or after a reconnection.</summary>
    Resent,

    /// <summary>Could not leave the gateway (broker down); tried again with back-off.</summary>
    Unsent,

    /// <summary>The field reported the level.</summary>
    Confirmed,

    /// <summary>Not confirmed within the timeout: the circuit does not follow.</summary>
    NotFollowing,
}

/// <summary>
/// One circuit's command and its confirmation: the level it should have, when it was sent, and when to look again.
/// Sends back off (timeout, then doubling up to the longest delay), so that a dead broker or a silent controller
/// never causes a storm.
/// </summary>
internal sealed class CircuitCommand(TimeSpan confirmTimeout, TimeSpan resendMaxDelay)
{
    /// <summary>The level commanded, or null before the first.</summary>
    public int? Level { get; private set; }

    /// <summary>When the level was first sent (reports from before do not confirm it).</summary>
    public DateTimeOffset FirstSentAt { get; private set; }

    /// <summary>The last level the field confirmed, or null.</summary>
    public int? ConfirmedLevel { get; private set; }

    /// <summary>Whether <see cref="Level"/> is confirmed.</summary>
    public bool IsConfirmed { get; private set; }

    /// <summary>Whether the field missed the timeout for <see cref="Level"/>.</summary>
    public bool IsNotFollowing { get; private set; }

    /// <summary>How many times <see cref="Level"/> was sent.</summary>
    public int Sends { get; private set; }

    /// <summary>When to check again (confirmation timeout, or the next send of a back-off).</summary>
    public DateTimeOffset Deadline { get; private set; } = DateTimeOffset.MaxValue;

    /// <summary>What the field reported last, in words, for health.</summary>
    public string LastReported { get; set; } = "";

    /// <summary>Whether the next evaluation must send <see cref="Level"/> again at once (a reconnection).</summary>
    public bool SendAgain { get; set; }

    /// <summary>Takes a new level to send now.</summary>
    public void Command(int level, DateTimeOffset now)
    {
        Level = level;
        FirstSentAt = now;
        Sends = 0;
        IsConfirmed = false;
        IsNotFollowing = false;
        SendAgain = false;
    }

    /// <summary>Notes a send at <paramref name="now"/>; the next check is after the timeout, or after the back-off once sends repeat.</summary>
    public void Sent(DateTimeOffset now)
    {
        Sends++;
        SendAgain = false;
        var delay = confirmTimeout * Math.Pow(2, Math.Min(Sends - 1, 16));
        Deadline = now + (delay < resendMaxDelay ? delay : resendMaxDelay);
    }

    /// <summary>The field reports the level.</summary>
    public void Confirm()
    {
        IsConfirmed = true;
        IsNotFollowing = false;
        ConfirmedLevel = Level;
        Deadline = DateTimeOffset.MaxValue;
    }

    /// <summary>The deadline passed without confirmation; returns whether this is news (the first miss of this level).</summary>
    public bool Missed()
    {
        var news = !IsNotFollowing;
        IsNotFollowing = true;
        return news;
    }
}
