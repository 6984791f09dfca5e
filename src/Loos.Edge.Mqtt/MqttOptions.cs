using Loos.Edge.Mqtt.Mapping;

namespace Loos.Edge.Mqtt;

/// <summary>The site file's <c>mqtt</c> section: the broker, the gateway's own status topic, and the subscriptions.</summary>
public sealed class MqttOptions
{
    /// <summary>The section's name in the site file.</summary>
    public const string SectionName = "mqtt";

    /// <summary>The port of plain MQTT (IANA).</summary>
    public const int PlainPort = 1883;

    /// <summary>The port of MQTT over TLS (IANA).</summary>
    public const int TlsPort = 8883;

    /// <summary>The broker's host name or address; the MQTT source is off when empty.</summary>
    public string? Host { get; set; }

    /// <summary>The broker's TCP port; default 1883, or 8883 when <see cref="Tls"/> is enabled.</summary>
    public int? Port { get; set; }

    /// <summary>TLS to the broker; off by default.</summary>
    public MqttTlsOptions Tls { get; init; } = new();

    /// <summary>
    /// A file holding the user name on its first line and the password on its second, read at every connection;
    /// none by default (anonymous). Secrets never go in the site file itself.
    /// </summary>
    public string? CredentialsFile { get; set; }

    /// <summary>
    /// The client identifier, which names the persistent session on the broker, so it must be unique and stable;
    /// default <c>loos-edge-&lt;machine name&gt;</c>.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The longest silence before the client pings the broker (and the broker drops a silent client after 1.5×); default 30 s.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the broker keeps the session (subscriptions and the QoS 1 messages not yet acknowledged) while the
    /// gateway is away; default 7 days. Zero would make every restart lose what was published meanwhile.
    /// </summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The broker reconnection back-off: its first delay and its longest delay, with jitter.</summary>
    public MqttReconnectOptions Reconnect { get; init; } = new();

    /// <summary>
    /// Where the gateway publishes its own state, retained: <c>online</c> once connected, <c>offline</c> as its last
    /// will (sent by the broker when the connection is lost) and on a clean stop; default <c>loos-edge/&lt;clientId&gt;/status</c>.
    /// </summary>
    public string? StatusTopic { get; set; }

    /// <summary>The longest <see cref="BatchWindow"/>: a QoS 1 message waits that long for its acknowledgement.</summary>
    public static readonly TimeSpan MaxBatchWindow = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the messages that arrive after a first one are gathered before their readings are appended to the buffer
    /// together, at most <see cref="MqttSourceService.ReceiveMaximum"/> of them; default 1 s. Telemetry that comes one
    /// message at a time (50 devices every 10 s: five a second) then shares a readings record and a write instead of
    /// taking one each: fewer bytes written to an SD card. Each QoS 1 message is still acknowledged only once its
    /// readings are written, so at most this much later; zero appends each message as it arrives. At most
    /// <see cref="MaxBatchWindow"/>.
    /// </summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often payloads that do not match their mapping are logged per topic (they are counted between logs); default 1 min.</summary>
    public TimeSpan BadPayloadLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where <c>preset:</c> names are looked up (<c>&lt;name&gt;.yaml</c>); default: <c>mqtt-presets/</c> beside the site file.</summary>
    public string? PresetDirectory { get; set; }

    /// <summary>The topic filters and how their messages become readings.</summary>
    public List<MqttMappingOptions> Subscriptions { get; init; } = [];

    /// <summary>Whether the section asks for an MQTT connection at all.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The port connected to: <see cref="Port"/>, else the default of the transport.</summary>
    public int EffectivePort => Port ?? (Tls.Enabled ? TlsPort : PlainPort);

    /// <summary>The client identifier used: <see cref="ClientId"/> (the site file sets <c>loos-edge-&lt;site name&gt;</c> when it has none), else <c>loos-edge-&lt;machine name&gt;</c>.</summary>
    public string EffectiveClientId =>
        string.IsNullOrWhiteSpace(ClientId) ? "loos-edge-" + Environment.MachineName.ToLowerInvariant() : ClientId;

    /// <summary>The status topic used: <see cref="StatusTopic"/>, else <c>loos-edge/&lt;clientId&gt;/status</c>.</summary>
    public string EffectiveStatusTopic =>
        string.IsNullOrWhiteSpace(StatusTopic) ? $"loos-edge/{EffectiveClientId}/status" : StatusTopic;

    /// <summary>Makes the section's file paths absolute with <paramref name="resolve"/> (relative to the site file).</summary>
    public void ResolvePaths(Func<string?, string?> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        PresetDirectory = resolve(string.IsNullOrEmpty(PresetDirectory) ? "mqtt-presets" : PresetDirectory);
        CredentialsFile = resolve(CredentialsFile);
        Tls.CaFile = resolve(Tls.CaFile);
        Tls.ClientCertificateFile = resolve(Tls.ClientCertificateFile);
        Tls.ClientKeyFile = resolve(Tls.ClientKeyFile);
    }
}

/// <summary>TLS to the broker (site file: <c>mqtt:tls</c>).</summary>
public sealed class MqttTlsOptions
{
    /// <summary>Whether the connection uses TLS; false by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// A PEM file of the certificate authority the broker's certificate must chain to, trusted instead of the system's
    /// store; default: the system's trusted authorities.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>The gateway's own certificate (PEM), for brokers that require client certificates; none by default.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>The private key (PEM, PKCS#8 or PKCS#1) of <see cref="ClientCertificateFile"/>; required with it.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>The name the broker's certificate must carry; default: the host.</summary>
    public string? ServerName { get; set; }
}

/// <summary>The reconnection back-off (site file: <c>mqtt:reconnect</c>): exponential from <see cref="MinDelay"/> to <see cref="MaxDelay"/>, with jitter.</summary>
public sealed class MqttReconnectOptions
{
    /// <summary>The first delay after a connection attempt failed; default 1 s.</summary>
    public TimeSpan MinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between attempts; default 1 min.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);
}
