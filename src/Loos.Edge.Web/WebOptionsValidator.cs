using Loos.Edge.Core;
using Loos.Edge.Forwarding;
using Loos.Edge.Http;

namespace Loos.Edge.Web;

/// <summary>Checks the <c>web</c> section, reporting every problem with its key.</summary>
public static class WebOptionsValidator
{
    /// <summary>Every problem of <paramref name="options"/>, for example <c>web:influx:url</c>; empty when valid.</summary>
    public static ConfigurationProblems Check(WebOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new ConfigurationProblems();
        const string section = WebOptions.SectionName;
        try
        {
            _ = EndpointAddress.Parse(options.Address, $"{section}:address");
        }
        catch (FormatException exception)
        {
            problems.Add($"{section}:address", exception.Message);
        }

        if (options.PublicUrl is { Length: > 0 } publicUrl
            && (!Uri.TryCreate(publicUrl, UriKind.Absolute, out var root) || (root.Scheme != Uri.UriSchemeHttp && root.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(root.Query)))
        {
            problems.Add($"{section}:publicUrl", $"'{publicUrl}' must be an absolute http or https URL without a query");
        }

        if (string.IsNullOrEmpty(options.CertificateFile) != string.IsNullOrEmpty(options.KeyFile))
        {
            // Told at the key that is there, so that the loader can point at its line.
            var given = string.IsNullOrEmpty(options.CertificateFile) ? "keyFile" : "certificateFile";
            problems.Add($"{section}:{given}", $"needs {(given == "keyFile" ? "certificateFile" : "keyFile")} too (HTTPS takes both PEM files)");
        }

        if (options.Influx is { } influx)
        {
            CheckInflux(influx, problems);
        }

        if (options.MaxOverrideDuration <= TimeSpan.Zero)
        {
            problems.Add($"{section}:maxOverrideDuration", "must be positive");
        }

        if (options.Mqtt is { } mqtt)
        {
            if (string.IsNullOrWhiteSpace(mqtt.Host))
            {
                problems.Add($"{section}:mqtt:host", "is required");
            }

            if (mqtt.Port is < 1 or > 65535)
            {
                problems.Add($"{section}:mqtt:port", "must be from 1 to 65535");
            }
        }

        return problems;
    }

    private static void CheckInflux(WebInfluxOptions influx, ConfigurationProblems problems)
    {
        const string path = $"{WebOptions.SectionName}:influx";
        if (!Uri.TryCreate(influx.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{path}:url", $"'{influx.Url}' must be an absolute http or https URL");
        }
        else if (!string.IsNullOrEmpty(url.UserInfo))
        {
            problems.Add($"{path}:url", "must not hold credentials; use tokenFile or username and passwordFile");
        }

        if (influx.Api == InfluxApi.V2)
        {
            Require(problems, $"{path}:org", influx.Org, "for api v2");
            Require(problems, $"{path}:bucket", influx.Bucket, "for api v2");
            Require(problems, $"{path}:tokenFile", influx.TokenFile, "for api v2");
        }
        else if (influx.Api == InfluxApi.V1)
        {
            Require(problems, $"{path}:database", influx.Database, "for api v1");
            if (!string.IsNullOrEmpty(influx.PasswordFile) && string.IsNullOrEmpty(influx.Username))
            {
                problems.Add($"{path}:username", "is required when passwordFile is set");
            }
        }
        else
        {
            problems.Add($"{path}:api", $"'{influx.Api}' must be v1 or v2");
        }

        if (influx.Timeout <= TimeSpan.Zero)
        {
            problems.Add($"{path}:timeout", "must be positive");
        }
    }

    private static void Require(ConfigurationProblems problems, string key, string? value, string why)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add(key, $"is required {why}");
        }
    }
}
