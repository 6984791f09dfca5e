using Loos.Edge.Core;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Loos.Edge.Forwarding;

/// <summary>Checks the <c>forwarder</c> section, reporting every problem with its key path.</summary>
public static class ForwarderOptionsValidator
{
    // A dead-letter file holds entries of up to half its cap; InfluxDB's series keys alone reach 64 KB.
    private const long MinimumDeadLetterBytes = 64 * 1024;


    /// <summary>Every problem in <paramref name="options"/>, for example <c>forwarder:targets:0:bucket is required for api v2</c>; empty when valid.</summary>
    public static ConfigurationProblems Check(ForwarderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new ConfigurationProblems();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < options.Targets.Count; index++)
        {
            var target = options.Targets[index];
            var path = $"{ForwarderOptions.SectionName}:targets:{index}";
            if (target is null)
            {
                problems.Add(path, "is empty");
                continue;
            }

            if (string.IsNullOrWhiteSpace(target.Name))
            {
                problems.Add($"{path}:name", "is required");
            }
            else if (!names.Add(target.Name))
            {
                problems.Add($"{path}:name", $"'{target.Name}' is used by another target");
            }
            else if (target.Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            {
                problems.Add($"{path}:name", $"'{target.Name}' must be usable in a file name");
            }

            if (!Uri.TryCreate(target.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"{path}:url", $"'{target.Url}' must be an absolute http or https URL");
            }
            else if (!string.IsNullOrEmpty(url.UserInfo))
            {
                problems.Add($"{path}:url", "must not hold credentials; use tokenFile or username and passwordFile");
            }

            if (target.Api == InfluxApi.V2)
            {
                Require(problems, path, "org", target.Org, "for api v2");
                Require(problems, path, "bucket", target.Bucket, "for api v2");
                Require(problems, path, "tokenFile", target.TokenFile, "for api v2");
            }
            else if (target.Api == InfluxApi.V1)
            {
                Require(problems, path, "database", target.Database, "for api v1");
                if (!string.IsNullOrEmpty(target.PasswordFile) && string.IsNullOrEmpty(target.Username))
                {
                    problems.Add($"{path}:username", "is required when passwordFile is set");
                }
            }
            else
            {
                problems.Add($"{path}:api", $"'{target.Api}' must be v1 or v2");
            }

            if (target.BatchSize < 1)
            {
                problems.Add($"{path}:batchSize", "must be at least 1");
            }

            Positive(problems, path, "batchMaxAge", target.BatchMaxAge);
            Positive(problems, path, "timeout", target.Timeout);
            Positive(problems, path, "initialRetryDelay", target.InitialRetryDelay);
            Positive(problems, path, "authenticationRetryInterval", target.AuthenticationRetryInterval);
            if (target.MaxRetryDelay < target.InitialRetryDelay)
            {
                problems.Add($"{path}:maxRetryDelay", "must be at least initialRetryDelay");
            }

            // Polly's circuit breaker needs a minimum throughput of 2 and a break of at least 0.5 s.
            if (target.CircuitBreakerFailures < 2)
            {
                problems.Add($"{path}:circuitBreakerFailures", "must be at least 2");
            }

            if (target.CircuitBreakDuration < TimeSpan.FromMilliseconds(500))
            {
                problems.Add($"{path}:circuitBreakDuration", "must be at least 0.5 s");
            }

            if (target.DeadLetterMaxBytes < MinimumDeadLetterBytes)
            {
                problems.Add($"{path}:deadLetterMaxBytes", $"must be at least {MinimumDeadLetterBytes} (64 KiB)");
            }

            if (!string.IsNullOrEmpty(target.CaFile))
            {
                CheckCaFile(problems, path, target.CaFile, url);
            }

            if (options.ResolveDeadLetterFile(target) is null)
            {
                problems.Add($"{path}:deadLetterFile", $"is required when {ForwarderOptions.SectionName}:deadLetterDirectory is not set");
            }
        }

        return problems;
    }

    private static void CheckCaFile(ConfigurationProblems problems, string path, string caFile, Uri? url)
    {
        if (url is not null && url.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"{path}:caFile", "is set but the url is not https");
        }

        try
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caFile);
            if (authorities.Count == 0)
            {
                problems.Add($"{path}:caFile", $"'{caFile}' holds no PEM certificate");
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            problems.Add($"{path}:caFile", $"'{caFile}' cannot be read: {exception.Message}");
        }
    }

    private static void Require(ConfigurationProblems problems, string path, string key, string? value, string why)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{path}:{key}", $"is required {why}");
        }
    }

    private static void Positive(ConfigurationProblems problems, string path, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{path}:{key}", "must be positive");
        }
    }
}
