using Loos.Edge.Core;
using System.Security.Cryptography;
using Loos.Edge.Mqtt.Mapping;

namespace Loos.Edge.Mqtt;

/// <summary>Checks the <c>mqtt</c> section, reporting every problem with its key path.</summary>
public static class MqttOptionsValidator
{
    /// <summary>The longest keep-alive: MQTT carries it as a 16-bit count of seconds (MQTT 5.0, 3.1.2.10).</summary>
    private static readonly TimeSpan MaxKeepAlive = TimeSpan.FromSeconds(ushort.MaxValue);

    /// <summary>The longest session expiry short of "never": a 32-bit count of seconds, 0xFFFFFFFF meaning never (MQTT 5.0, 3.1.2.11.2).</summary>
    private static readonly TimeSpan MaxSessionExpiry = TimeSpan.FromSeconds(uint.MaxValue - 1L);


    /// <summary>Every problem in <paramref name="options"/>, each starting with its key path (e.g. <c>mqtt:port: …</c>); empty when valid.</summary>
    public static ConfigurationProblems Check(MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new ConfigurationProblems();
        if (!options.IsEnabled)
        {
            if (options.Subscriptions.Count > 0)
            {
                problems.Add("mqtt:host", ": the broker's host is required when subscriptions are given.");
            }

            return problems;
        }

        if (options.Port is { } port && port is < 1 or > 65535)
        {
            problems.Add("mqtt:port", $": {port} is not a TCP port (1-65535).");
        }

        CheckTls(options.Tls, problems);
        CheckCredentials(options.CredentialsFile, problems);
        if (options.ClientId is { } clientId && (clientId.Trim().Length == 0 || clientId.AsSpan().IndexOfAny('+', '#', '/') >= 0))
        {
            problems.Add("mqtt:clientId", $": '{clientId}' must be non-empty and free of '+', '#' and '/' (it names the session and the default status topic).");
        }

        if (options.KeepAlive < TimeSpan.Zero || options.KeepAlive > MaxKeepAlive)
        {
            problems.Add("mqtt:keepAlive", $": {options.KeepAlive} must be between 0 (no keep-alive) and {MaxKeepAlive} (MQTT counts it in 16-bit seconds).");
        }

        if (options.SessionExpiry < TimeSpan.FromSeconds(1) || options.SessionExpiry > MaxSessionExpiry)
        {
            problems.Add("mqtt:sessionExpiry", $": {options.SessionExpiry} must be between 1 s and {MaxSessionExpiry.TotalDays:0} days; without a session the broker drops what is published while the gateway is away.");
        }

        if (options.Reconnect.MinDelay <= TimeSpan.Zero)
        {
            problems.Add("mqtt:reconnect:minDelay", $": {options.Reconnect.MinDelay} must be positive.");
        }

        if (options.Reconnect.MaxDelay < options.Reconnect.MinDelay)
        {
            problems.Add("mqtt:reconnect:maxDelay", $": {options.Reconnect.MaxDelay} must not be shorter than mqtt:reconnect:minDelay ({options.Reconnect.MinDelay}).");
        }

        if (options.StatusTopic is { } statusTopic && (statusTopic.Length == 0 || statusTopic.AsSpan().IndexOfAny('+', '#') >= 0 || statusTopic.StartsWith('$')))
        {
            problems.Add("mqtt:statusTopic", $": '{statusTopic}' must be a topic name: non-empty, without wildcards, not starting with '$'.");
        }

        if (options.BatchWindow < TimeSpan.Zero || options.BatchWindow > MqttOptions.MaxBatchWindow)
        {
            problems.Add("mqtt:batchWindow", $": {options.BatchWindow} must be between 0 and {MqttOptions.MaxBatchWindow}.");
        }

        if (options.BadPayloadLogInterval <= TimeSpan.Zero)
        {
            problems.Add("mqtt:badPayloadLogInterval", $": {options.BadPayloadLogInterval} must be positive.");
        }

        if (options.Subscriptions.Count == 0)
        {
            problems.Add("mqtt:subscriptions", ": at least one subscription is needed.");
        }

        problems.AddRange(MqttMappingValidator.Check(options.Subscriptions, options.PresetDirectory));

        return problems;
    }

    private static void CheckTls(MqttTlsOptions tls, ConfigurationProblems problems)
    {
        if (!tls.Enabled)
        {
            foreach (var (key, value) in new[] { ("caFile", tls.CaFile), ("clientCertificateFile", tls.ClientCertificateFile), ("clientKeyFile", tls.ClientKeyFile), ("serverName", tls.ServerName) })
            {
                if (!string.IsNullOrEmpty(value))
                {
                    problems.Add($"mqtt:tls:{key}", ": set while mqtt:tls:enabled is false; enable TLS or remove it.");
                }
            }

            return;
        }

        if (tls.CaFile is { Length: > 0 } caFile && RequireFile("mqtt:tls:caFile", caFile, problems))
        {
            try
            {
                if (MqttClientOptionsFactory.LoadCertificateAuthorities(caFile).Count == 0)
                {
                    problems.Add("mqtt:tls:caFile", $": {caFile} holds no PEM certificate.");
                }
            }
            catch (CryptographicException exception)
            {
                problems.Add("mqtt:tls:caFile", $": {caFile} is not a PEM certificate: {exception.Message}");
            }
        }

        var hasCertificate = !string.IsNullOrEmpty(tls.ClientCertificateFile);
        var hasKey = !string.IsNullOrEmpty(tls.ClientKeyFile);
        if (hasCertificate != hasKey)
        {
            problems.Add(
                hasCertificate ? "mqtt:tls:clientKeyFile" : "mqtt:tls:clientCertificateFile",
                hasCertificate ? ": required with mqtt:tls:clientCertificateFile." : ": required with mqtt:tls:clientKeyFile.");
        }
        else if (hasCertificate
            && RequireFile("mqtt:tls:clientCertificateFile", tls.ClientCertificateFile!, problems)
            & RequireFile("mqtt:tls:clientKeyFile", tls.ClientKeyFile!, problems))
        {
            try
            {
                using var certificate = MqttClientOptionsFactory.LoadClientCertificate(tls.ClientCertificateFile!, tls.ClientKeyFile!);
            }
            catch (CryptographicException exception)
            {
                problems.Add("mqtt:tls:clientCertificateFile", $": {tls.ClientCertificateFile} with key {tls.ClientKeyFile} cannot be loaded as PEM: {exception.Message}");
            }
        }

        if (tls.ServerName is { } serverName && serverName.Trim().Length == 0)
        {
            problems.Add("mqtt:tls:serverName", ": must not be blank; leave it out to use the host.");
        }
    }

    private static void CheckCredentials(string? credentialsFile, ConfigurationProblems problems)
    {
        if (string.IsNullOrEmpty(credentialsFile) || !RequireFile("mqtt:credentialsFile", credentialsFile, problems))
        {
            return;
        }

        try
        {
            _ = MqttCredentials.Read(credentialsFile);
        }
        catch (FormatException exception)
        {
            problems.Add("mqtt:credentialsFile", $": {exception.Message}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problems.Add("mqtt:credentialsFile", $": cannot read {credentialsFile}: {exception.Message}");
        }
    }

    private static bool RequireFile(string key, string path, ConfigurationProblems problems)
    {
        if (File.Exists(path))
        {
            return true;
        }

        problems.Add(key, $": file {path} does not exist.");
        return false;
    }
}
