namespace Loos.Edge.Http;

/// <summary>
/// The line-protocol write listener (configuration section <c>listener</c>): local software posts InfluxDB line
/// protocol to <c>/api/v2/write</c> or <c>/write</c> and the readings go into the durable buffer.
/// </summary>
/// <remarks>
/// The <c>org</c>, <c>bucket</c>, <c>db</c> and <c>rp</c> query parameters are accepted and ignored: every reading is
/// forwarded to the targets of the site file.
/// </remarks>
public sealed class ListenerOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "listener";

    /// <summary>Whether the write listener runs; default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where it listens, as <c>host:port</c> (an IP address, <c>localhost</c>, or <c>[v6]:port</c>); default
    /// <c>127.0.0.1:8186</c>, loopback only, so serving the network takes an explicit address.
    /// </summary>
    public string Address { get; set; } = "127.0.0.1:8186";

    /// <summary>
    /// The largest body accepted, compressed and after gzip decompression alike; default 32 MiB. Larger bodies
    /// are answered 413.
    /// </summary>
    public long MaxBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// A file holding the token clients must send (InfluxDB's <c>Authorization: Token …</c> header, <c>Bearer</c>, v1
    /// basic auth or the v1 <c>u</c>/<c>p</c> parameters, the token as the password); required when
    /// <see cref="Address"/> is beyond loopback, optional otherwise. Read at start; the token itself never belongs in
    /// the site file.
    /// </summary>
    public string? TokenFile { get; set; }
}
