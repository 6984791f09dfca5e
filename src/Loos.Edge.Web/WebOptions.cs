using Loos.Edge.Forwarding;

namespace Loos.Edge.Web;

/// <summary>The site file's <c>web</c> section: the pages served by <c>loos-edge web</c>, where they listen and what they read.</summary>
public sealed class WebOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "web";

    /// <summary>The tokens file's name beside the buffer when <see cref="TokensFile"/> is not set.</summary>
    public const string DefaultTokensFileName = "web-tokens.dat";

    /// <summary>Where the pages listen, <c>host:port</c>; 127.0.0.1:8190 by default (a reverse proxy or the TLS files below face the town).</summary>
    public string Address { get; set; } = "127.0.0.1:8190";

    /// <summary>
    /// The address tenants open, such as <c>https://chauffage.example.fr</c>, for the links <c>web token create</c>
    /// prints; by default the web host's own address.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>A PEM certificate (chain) file: with <see cref="KeyFile"/>, the pages are served over HTTPS. None by default.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>. None by default.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The InfluxDB the pages read the published series from; required to serve them.</summary>
    public WebInfluxOptions? Influx { get; set; }

    /// <summary>The tenants' links (hashes only); <c>web-tokens.dat</c> in the buffer directory by default.</summary>
    public string? TokensFile { get; set; }

    /// <summary>The crew's users and password hashes. None by default (no crew login).</summary>
    public string? UsersFile { get; set; }

    /// <summary>The MQTT broker the crew's overrides are sent through. None by default.</summary>
    public WebMqttOptions? Mqtt { get; set; }

    /// <summary>The longest override the crew may ask for; 12 h by default.</summary>
    public TimeSpan MaxOverrideDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Whether the pages are served over HTTPS (a certificate and its key are given).</summary>
    public bool UsesHttps => !string.IsNullOrEmpty(CertificateFile) && !string.IsNullOrEmpty(KeyFile);
}

/// <summary>The InfluxDB the pages read (<c>web:influx</c>): InfluxQL over <c>/query</c>, as the heating report reads it.</summary>
public sealed class WebInfluxOptions
{
    /// <summary>Required: the absolute http or https base URL, for example <c>http://127.0.0.1:8086</c>.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>The server's API: <see cref="InfluxApi.V1"/> (database) or <see cref="InfluxApi.V2"/> (org, bucket, token); v1 by default.</summary>
    public InfluxApi Api { get; set; } = InfluxApi.V1;

    /// <summary>V1, required: the database the gateways forward to.</summary>
    public string? Database { get; set; }

    /// <summary>V1: the retention policy; the database's default when unset.</summary>
    public string? RetentionPolicy { get; set; }

    /// <summary>V1: the user (basic authentication); none by default.</summary>
    public string? Username { get; set; }

    /// <summary>V1: a file holding the user's password.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>V2, required: the organisation.</summary>
    public string? Org { get; set; }

    /// <summary>V2, required: the bucket (queried over the 1.x-compatible endpoint through its DBRP mapping).</summary>
    public string? Bucket { get; set; }

    /// <summary>V2, required: a file holding a read token.</summary>
    public string? TokenFile { get; set; }

    /// <summary>How long one query may take; 10 s by default.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The same server as a forwarder target, for the shared credentials and query code.</summary>
    public TargetOptions ToTarget() => new()
    {
        Name = "web",
        Url = Url,
        Api = Api,
        Database = Database,
        RetentionPolicy = RetentionPolicy,
        Username = Username,
        PasswordFile = PasswordFile,
        Org = Org,
        Bucket = Bucket,
        TokenFile = TokenFile,
    };
}

/// <summary>The broker of the crew's overrides (<c>web:mqtt</c>).</summary>
public sealed class WebMqttOptions
{
    /// <summary>Required: the broker's host name or address.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The broker's port; 1883 by default.</summary>
    public int Port { get; set; } = 1883;
}
