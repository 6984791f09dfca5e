namespace Loos.Edge.Http;

/// <summary>The health endpoint <c>GET /health</c> (configuration section <c>health</c>).</summary>
public sealed class HealthOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "health";

    /// <summary>
    /// Where it listens, as <c>host:port</c>; default <c>127.0.0.1:8187</c>, a loopback address of its own so that
    /// it answers even when the write listener is disabled or bound elsewhere.
    /// </summary>
    public string Address { get; set; } = "127.0.0.1:8187";

    /// <summary>
    /// How often the gateway writes its own state (measurements <c>loos_edge</c>, <c>loos_edge_target</c>,
    /// <c>loos_edge_devices</c>) through its buffer; default 1 minute, at least 1 second.
    /// </summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromMinutes(1);
}
