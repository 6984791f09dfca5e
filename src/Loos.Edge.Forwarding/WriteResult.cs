namespace Loos.Edge.Forwarding;

/// <summary>What a server made of one write.</summary>
internal enum WriteOutcome
{
    /// <summary>2xx: every line is stored.</summary>
    Accepted,

    /// <summary>400/422: some lines were rejected (the others may be stored).</summary>
    Rejected,

    /// <summary>413: the body exceeds the server's limit.</summary>
    TooLarge,

    /// <summary>401/403: the credentials are refused, or could not be read.</summary>
    Unauthorized,

    /// <summary>Anything worth retrying as is: a timeout, a connection lost mid-write, 5xx, 429, 404 (database not created yet).</summary>
    Transient,

    /// <summary>No connection, or the server's <c>/ping</c> failed: nothing was written, and finding out again costs the server nothing.</summary>
    Unreachable,
}

/// <summary>The outcome of one write, as a value: field failures are expected, not exceptional.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="StatusCode">The HTTP status, or null when no response arrived.</param>
/// <param name="Message">The server's message, or the failure.</param>
/// <param name="RetryAfter">How long the server asked to wait (429/503 <c>Retry-After</c>), or null.</param>
internal sealed record WriteResult(WriteOutcome Outcome, int? StatusCode, string Message, TimeSpan? RetryAfter = null)
{
    public static readonly WriteResult Success = new(WriteOutcome.Accepted, 204, string.Empty);

    /// <summary>For logs and health: <c>HTTP 400: partial write: …</c> or the failure text.</summary>
    public override string ToString() => StatusCode is { } status ? $"HTTP {status}: {Message}" : Message;
}
