using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Loos.Edge.Mqtt;

/// <summary>Builds MQTTnet client options from the <c>mqtt</c> section: broker, TLS, credentials, session and will.</summary>
internal static class MqttClientOptionsFactory
{
    /// <summary>The status payload published retained once connected.</summary>
    public const string OnlinePayload = "online";

    /// <summary>The status payload of the last will, and of a clean stop.</summary>
    public const string OfflinePayload = "offline";

    /// <summary>How long a connection attempt (TCP, TLS and CONNACK) may take.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The options of the gateway's own connection: MQTT 5 with a persistent session (clean start off, session
    /// expiry from the options), and the retained last will <c>offline</c> on the status topic.
    /// </summary>
    /// <param name="receiveMaximum">How many QoS 1 messages the broker may send before the gateway acknowledges any.</param>
    public static MqttClientOptions ForSource(MqttOptions options, ushort receiveMaximum) =>
        CreateBuilder(options)
            .WithClientId(options.EffectiveClientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)options.SessionExpiry.TotalSeconds)
            .WithReceiveMaximum(receiveMaximum)
            .WithWillTopic(options.EffectiveStatusTopic)
            .WithWillPayload(OfflinePayload)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();

    /// <summary>
    /// The options of the gateway's output session (<paramref name="clientId"/>, beside the source's): persistent, so
    /// that requests published to its topics while the gateway is away wait for it; no will.
    /// </summary>
    public static MqttClientOptions ForOutput(MqttOptions options, string clientId) =>
        CreateBuilder(options)
            .WithClientId(clientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)options.SessionExpiry.TotalSeconds)
            .Build();

    /// <summary>The options of a throw-away connection (a technician's tail): clean start, no session left behind.</summary>
    public static MqttClientOptions ForTail(MqttOptions options, string clientId) =>
        CreateBuilder(options)
            .WithClientId(clientId)
            .WithCleanStart(true)
            .WithSessionExpiryInterval(0)
            .Build();

    /// <summary>Every certificate of a PEM file.</summary>
    public static X509Certificate2Collection LoadCertificateAuthorities(string caFile)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(caFile);
        return collection;
    }

    /// <summary>The client certificate with its private key, from PEM files.</summary>
    public static X509Certificate2 LoadClientCertificate(string certificateFile, string keyFile) =>
        X509Certificate2.CreateFromPemFile(certificateFile, keyFile);

    private static MqttClientOptionsBuilder CreateBuilder(MqttOptions options)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.EffectivePort)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(ConnectTimeout);
        if (options.CredentialsFile is { Length: > 0 } credentialsFile)
        {
            // Read at every connection, so that a rotated password needs no restart.
            var credentials = MqttCredentials.Read(credentialsFile);
            builder.WithCredentials(credentials.UserName, credentials.Password);
        }

        if (options.Tls.Enabled)
        {
            builder.WithTlsOptions(tls => ConfigureTls(tls, options));
        }

        return builder;
    }

    private static void ConfigureTls(MqttClientTlsOptionsBuilder tls, MqttOptions options)
    {
        tls.UseTls(true).WithTargetHost(string.IsNullOrWhiteSpace(options.Tls.ServerName) ? options.Host : options.Tls.ServerName);
        if (options.Tls.ClientCertificateFile is { Length: > 0 } certificateFile && options.Tls.ClientKeyFile is { Length: > 0 } keyFile)
        {
            tls.WithClientCertificates([LoadClientCertificate(certificateFile, keyFile)]);
        }

        if (options.Tls.CaFile is { Length: > 0 } caFile)
        {
            var authorities = LoadCertificateAuthorities(caFile);
            tls.WithCertificateValidationHandler(context => IsTrustedBy(authorities, context.Certificate, context.Chain, context.SslPolicyErrors));
        }
    }

    /// <summary>
    /// Accepts the broker's certificate when its name matches and it chains to one of <paramref name="authorities"/>
    /// alone (the system's store is not consulted). Revocation is not checked: a broker's private CA seldom publishes
    /// a revocation list that a gateway could reach.
    /// </summary>
    private static bool IsTrustedBy(X509Certificate2Collection authorities, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
