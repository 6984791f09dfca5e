using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Loos.Edge.Testing;

/// <summary>How to start a <see cref="MosquittoBroker"/>.</summary>
public sealed record MosquittoOptions
{
    /// <summary>Adds a TLS listener with a server certificate of a test CA (see <see cref="MosquittoBroker.CaFile"/>); off by default.</summary>
    public bool Tls { get; init; }

    /// <summary>Makes the TLS listener require a client certificate of the test CA; off by default.</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>With <see cref="Password"/>: the only user, and <c>allow_anonymous false</c>; anonymous access when null.</summary>
    public string? UserName { get; init; }

    public string? Password { get; init; }
}

/// <summary>One message seen by <c>mosquitto_sub</c>.</summary>
public sealed record MqttMessageSeen(string Topic, string Payload);

/// <summary>
/// A real Mosquitto broker (<c>/usr/sbin/mosquitto</c>, Debian package <c>mosquitto</c>) on 127.0.0.1 with persistence,
/// config, password file and certificates in its own temporary directory. Stop and start it again on the same data
/// to test restarts; the publish and subscribe helpers run <c>mosquitto_pub</c> and <c>mosquitto_sub</c>.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/mosquitto";
    private const string PublishBinary = "/usr/bin/mosquitto_pub";
    private const string SubscribeBinary = "/usr/bin/mosquitto_sub";
    private const string PasswordBinary = "/usr/bin/mosquitto_passwd";

    private ServerProcess? process;

    private MosquittoBroker(MosquittoOptions options, string directory)
    {
        Options = options;
        Directory = directory;
        Port = FreePort.Next();
        TlsPort = options.Tls ? FreePort.Next() : null;
        ConfigFile = Path.Combine(directory, "mosquitto.conf");
        LogFile = Path.Combine(directory, "mosquitto.log");
        if (options.Tls)
        {
            Certificates = TestCertificates.Create(Path.Combine(directory, "certificates"));
        }
    }

    public MosquittoOptions Options { get; }

    /// <summary>The host to connect to.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>The plain MQTT listener.</summary>
    public int Port { get; }

    /// <summary>The TLS listener, when <see cref="MosquittoOptions.Tls"/>.</summary>
    public int? TlsPort { get; }

    /// <summary>The test CA and the server and client certificates, when <see cref="MosquittoOptions.Tls"/>.</summary>
    public TestCertificates? Certificates { get; }

    /// <summary>The PEM file of the CA that signed the broker's certificate.</summary>
    public string? CaFile => Certificates?.CaFile;

    /// <summary>The temporary directory holding config, persistence, certificates and log; deleted on dispose.</summary>
    public string Directory { get; }

    public string ConfigFile { get; }

    public string LogFile { get; }

    public bool IsRunning => process is { HasExited: false };

    private string PasswordFile => Path.Combine(Directory, "passwords");

    /// <summary>Writes config, certificates and password file, starts mosquitto and waits until its listeners accept connections.</summary>
    /// <exception cref="InvalidOperationException">Mosquitto is not installed, or exited during start-up.</exception>
    public static async Task<MosquittoBroker> StartNewAsync(MosquittoOptions? options = null)
    {
        ServerProcess.RequireBinary(Binary, "mosquitto");
        ServerProcess.RequireBinary(PublishBinary, "mosquitto-clients");
        var directory = System.IO.Directory.CreateTempSubdirectory("loos-edge-mosquitto-").FullName;
        var broker = new MosquittoBroker(options ?? new MosquittoOptions(), directory);
        try
        {
            await broker.WritePasswordFileAsync();
            File.WriteAllText(broker.ConfigFile, broker.BuildConfig());
            await broker.StartAsync();
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }

        return broker;
    }

    /// <summary>Starts mosquitto (again) on the same data, config and ports; waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var started = ServerProcess.Start(Binary, ["-c", ConfigFile], LogFile);
        process = started;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (started.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited during start-up. Log tail:\n{ServerProcess.Tail(LogFile)}");
            }

            if (await AcceptsAsync(Port) && (TlsPort is not { } tlsPort || await AcceptsAsync(tlsPort)))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"mosquitto did not listen on {Port} within 20 s. Log tail:\n{ServerProcess.Tail(LogFile)}");
    }

    /// <summary>Stops mosquitto cleanly (SIGTERM): it writes its persistence file, so sessions and queued messages survive.</summary>
    public void Stop() => Interlocked.Exchange(ref process, null)?.Stop(TimeSpan.FromSeconds(15));

    /// <summary>Kills mosquitto (SIGKILL): what was not yet saved is lost, as in a power cut.</summary>
    public void Kill() => Interlocked.Exchange(ref process, null)?.KillNow();

    /// <summary>
    /// The <c>mosquitto_pub</c>/<c>mosquitto_sub</c> arguments to reach this broker: host, port (TLS when
    /// <paramref name="tls"/>, with the CA and the client certificate) and the user when one is set.
    /// </summary>
    public IReadOnlyList<string> ClientArguments(bool tls)
    {
        var arguments = new List<string> { "-h", Host, "-V", "mqttv5" };
        if (tls)
        {
            var certificates = Certificates ?? throw new InvalidOperationException("The broker has no TLS listener.");
            arguments.AddRange(["-p", TlsPort!.Value.ToString(CultureInfo.InvariantCulture), "--cafile", certificates.CaFile]);
            if (Options.RequireClientCertificate)
            {
                arguments.AddRange(["--cert", certificates.ClientCertificateFile, "--key", certificates.ClientKeyFile]);
            }
        }
        else
        {
            arguments.AddRange(["-p", Port.ToString(CultureInfo.InvariantCulture)]);
        }

        if (Options.UserName is { } user)
        {
            arguments.AddRange(["-u", user, "-P", Options.Password ?? string.Empty]);
        }

        return arguments;
    }

    /// <summary>
    /// Publishes each of <paramref name="payloads"/> (one line each, no line breaks inside) to <paramref name="topic"/> with
    /// one <c>mosquitto_pub -l</c>, which returns once the broker acknowledged all of them at <paramref name="qos"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">mosquitto_pub failed; the message carries its output.</exception>
    public Task PublishLinesAsync(string topic, IEnumerable<string> payloads, bool tls = false, int qos = 1) =>
        RunClientAsync(PublishBinary, [.. ClientArguments(tls), "-q", qos.ToString(CultureInfo.InvariantCulture), "-t", topic, "-l"], string.Join('\n', payloads) + "\n");

    /// <summary>Publishes one message with <c>mosquitto_pub -m</c>.</summary>
    public Task PublishAsync(string topic, string payload, bool tls = false, int qos = 1, bool retain = false)
    {
        var arguments = new List<string>(ClientArguments(tls)) { "-q", qos.ToString(CultureInfo.InvariantCulture), "-t", topic, "-m", payload };
        if (retain)
        {
            arguments.Add("-r");
        }

        return RunClientAsync(PublishBinary, arguments, null);
    }

    /// <summary>Subscribes with <c>mosquitto_sub</c> until <paramref name="count"/> messages arrived or <paramref name="timeout"/> passed; returns what arrived.</summary>
    public async Task<IReadOnlyList<MqttMessageSeen>> SubscribeAsync(string filter, int count, TimeSpan timeout, bool tls = false)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var output = await RunClientAsync(SubscribeBinary, [.. ClientArguments(tls), "-q", "1", "-t", filter, "-v", "-C", count.ToString(CultureInfo.InvariantCulture), "-W", seconds], null, acceptTimeout: true);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ', 2)).Select(parts => new MqttMessageSeen(parts[0], parts.Length > 1 ? parts[1] : string.Empty))];
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.Yield();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS's temp cleaner.
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<string> RunClientAsync(string binary, IReadOnlyList<string> arguments, string? input, bool acceptTimeout = false)
    {
        var info = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var client = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var output = client.StandardOutput.ReadToEndAsync();
        var error = client.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await client.StandardInput.WriteAsync(input);
            client.StandardInput.Close();
        }

        await client.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));

        // mosquitto_sub -W exits with 27 when its time is up.
        if (client.ExitCode != 0 && !(acceptTimeout && client.ExitCode == 27))
        {
            throw new InvalidOperationException($"{Path.GetFileName(binary)} {string.Join(' ', arguments)} exited with {client.ExitCode}: {await error}{await output}");
        }

        return await output;
    }

    private async Task WritePasswordFileAsync()
    {
        if (Options.UserName is not { } user)
        {
            return;
        }

        ServerProcess.RequireBinary(PasswordBinary, "mosquitto");
        await RunClientAsync(PasswordBinary, ["-c", "-b", PasswordFile, user, Options.Password ?? string.Empty], null);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private string BuildConfig()
    {
        var config = new StringBuilder();
        config.AppendLine("# Written by the tests' MosquittoBroker.");
        // Root would otherwise drop to the 'mosquitto' user, which cannot write the temporary directory.
        config.AppendLine("user root");
        config.AppendLine("persistence true");
        config.AppendLine($"persistence_location {Directory}/");
        config.AppendLine("persistence_file mosquitto.db");
        config.AppendLine("log_dest stdout");
        config.AppendLine("log_type error");
        config.AppendLine("log_type warning");
        config.AppendLine("log_type notice");
        config.AppendLine("log_type information");
        config.AppendLine("connection_messages true");
        // A gateway away for a while comes back to everything published meanwhile: no cap on its queue.
        config.AppendLine("max_queued_messages 0");
        config.AppendLine("per_listener_settings false");
        if (Options.UserName is not null)
        {
            config.AppendLine("allow_anonymous false");
            config.AppendLine($"password_file {PasswordFile}");
        }
        else
        {
            config.AppendLine("allow_anonymous true");
        }

        config.AppendLine($"listener {Port} {Host}");
        if (Certificates is { } certificates)
        {
            config.AppendLine($"listener {TlsPort} {Host}");
            config.AppendLine($"cafile {certificates.CaFile}");
            config.AppendLine($"certfile {certificates.ServerCertificateFile}");
            config.AppendLine($"keyfile {certificates.ServerKeyFile}");
            config.AppendLine($"require_certificate {(Options.RequireClientCertificate ? "true" : "false")}");
        }

        return config.ToString();
    }
}

/// <summary>A test certificate authority and a server (localhost, 127.0.0.1) and a client certificate it signed, as PEM files.</summary>
public sealed record TestCertificates(string CaFile, string ServerCertificateFile, string ServerKeyFile, string ClientCertificateFile, string ClientKeyFile)
{
    /// <summary>Creates the CA and both certificates (ECDSA P-256, valid a day either side of now) in <paramref name="directory"/>.</summary>
    public static TestCertificates Create(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(1);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Loos Edge Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter.AddDays(1));

        var files = new TestCertificates(
            Path.Combine(directory, "ca.pem"),
            Path.Combine(directory, "server.pem"),
            Path.Combine(directory, "server.key"),
            Path.Combine(directory, "client.pem"),
            Path.Combine(directory, "client.key"));
        File.WriteAllText(files.CaFile, ca.ExportCertificatePem());

        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        Issue(ca, "CN=localhost", names.Build(), "1.3.6.1.5.5.7.3.1", 2, notBefore, notAfter, files.ServerCertificateFile, files.ServerKeyFile); // id-kp-serverAuth
        Issue(ca, "CN=loos-edge-test-client", null, "1.3.6.1.5.5.7.3.2", 3, notBefore, notAfter, files.ClientCertificateFile, files.ClientKeyFile); // id-kp-clientAuth
        return files;
    }

    private static void Issue(X509Certificate2 ca, string subject, X509Extension? alternativeNames, string usage, byte serial, DateTimeOffset notBefore, DateTimeOffset notAfter, string certificateFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (alternativeNames is not null)
        {
            request.CertificateExtensions.Add(alternativeNames);
        }

        using var certificate = request.Create(ca, notBefore, notAfter, [serial]);
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}
