namespace Loos.Edge.Forwarding;

/// <summary>One InfluxDB (or compatible) server that receives every reading.</summary>
public sealed class TargetOptions
{
    /// <summary>Required and unique: the buffer consumer name and the name in health output.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The write API; <see cref="InfluxApi.V2"/> by default.</summary>
    public InfluxApi Api { get; set; } = InfluxApi.V2;

    /// <summary>Required: the absolute http or https base URL, for example <c>http://127.0.0.1:8086</c>.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>V2, required: the organisation.</summary>
    public string? Org { get; set; }

    /// <summary>V2, required: the bucket.</summary>
    public string? Bucket { get; set; }

    /// <summary>V2, required: a file holding the API token (secrets never sit in the site file); re-read after a 401/403.</summary>
    public string? TokenFile { get; set; }

    /// <summary>V1, required: the database.</summary>
    public string? Database { get; set; }

    /// <summary>V1: the retention policy; the database's default when unset.</summary>
    public string? RetentionPolicy { get; set; }

    /// <summary>V1: the user, sent with HTTP basic authentication; none by default.</summary>
    public string? Username { get; set; }

    /// <summary>V1: a file holding the user's password; re-read after a 401/403. None by default.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>The most readings per write; 5000 by default (InfluxDB's recommended batch size).</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>How long the oldest unsent reading may wait for a batch to fill; 1 s by default.</summary>
    public TimeSpan BatchMaxAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether request bodies are gzip-compressed; true by default.</summary>
    public bool Gzip { get; set; } = true;

    /// <summary>How long one write may take before it counts as a transient failure; 30 s by default.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where rejected lines go; <c>&lt;forwarder:deadLetterDirectory&gt;/dead-letter-&lt;name&gt;.lp</c> by default.</summary>
    public string? DeadLetterFile { get; set; }

    /// <summary>
    /// The most bytes the dead-letter file and its one rotated predecessor (<c>.1</c>) hold together; past it the oldest
    /// rejected lines are deleted and counted. 16 MiB by default, at least 64 KiB.
    /// </summary>
    public long DeadLetterMaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// A PEM file of the certificate authorities that an https server's certificate must chain to, instead of the
    /// system's; the host name is checked either way. None by default (the system's trust store).
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>The first retry delay, doubled on each transient failure (with jitter); 1 s by default.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between retries, unless the server's <c>Retry-After</c> asks for more; 60 s by default.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many failed writes in a row, with none succeeding in between, open the circuit; 5 by default.</summary>
    public int CircuitBreakerFailures { get; set; } = 5;

    /// <summary>
    /// How often a server that does not answer is probed (<c>GET /ping</c>), whether the circuit is open or not: the
    /// batch is sent again right after the first probe it answers. A server that answers but fails writes waits this
    /// long doubled per failed write, up to <see cref="MaxRetryDelay"/>. 1 s by default, at least 0.5 s.
    /// </summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often writes are tried again while the server refuses the credentials; 30 s by default.</summary>
    public TimeSpan AuthenticationRetryInterval { get; set; } = TimeSpan.FromSeconds(30);
}
