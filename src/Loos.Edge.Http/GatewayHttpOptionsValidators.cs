using Loos.Edge.Core;
using System.Net;

namespace Loos.Edge.Http;

/// <summary>Checks the <c>listener</c> section, naming each key at fault.</summary>
public static class ListenerOptionsValidator
{
    /// <summary>Every problem of <paramref name="options"/>; empty when valid.</summary>
    public static ConfigurationProblems Check(ListenerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new ConfigurationProblems();
        IPEndPoint? endpoint = null;
        if (options.Enabled && !EndpointAddress.TryParse(options.Address, out endpoint, out var problem))
        {
            failures.Add("listener:address", $"'{options.Address}' is not host:port ({problem}).");
        }
        else if (endpoint is not null && !IPAddress.IsLoopback(endpoint.Address) && string.IsNullOrWhiteSpace(options.TokenFile))
        {
            failures.Add("listener:address", $"'{options.Address}' is beyond loopback: set listener:tokenFile to a file holding the token clients must send.");
        }

        if (options.Enabled && !string.IsNullOrWhiteSpace(options.TokenFile))
        {
            try
            {
                if (ListenerToken.Read(options.TokenFile).IsEmpty)
                {
                    failures.Add("listener:tokenFile", $"'{options.TokenFile}' is empty.");
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                failures.Add("listener:tokenFile", $"'{options.TokenFile}' cannot be read: {exception.Message}");
            }
        }

        if (options.MaxBodyBytes <= 0)
        {
            failures.Add("listener:maxBodyBytes", $"must be positive (was {options.MaxBodyBytes}).");
        }

        return failures;
    }
}

/// <summary>Checks the <c>health</c> section, naming each key at fault; the health port must differ from the listener's.</summary>
public static class HealthOptionsValidator
{
    /// <summary>Every problem of <paramref name="options"/>, given the <paramref name="listener"/> it shares the host with; empty when valid.</summary>
    public static ConfigurationProblems Check(HealthOptions options, ListenerOptions listener)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(listener);
        var problems = new ConfigurationProblems();
        if (options.MetricsInterval < TimeSpan.FromSeconds(1))
        {
            problems.Add("health:metricsInterval", $"must be at least 1 second (was {options.MetricsInterval}).");
        }

        if (!EndpointAddress.TryParse(options.Address, out var health, out var problem))
        {
            problems.Add("health:address", $"'{options.Address}' is not host:port ({problem}).");
            return problems;
        }

        // Routes are told apart by the local port, so the two endpoints cannot share one.
        var write = listener;
        if (write.Enabled && EndpointAddress.TryParse(write.Address, out var writeEndpoint, out _) && writeEndpoint.Port == health.Port)
        {
            problems.Add("health:address", $"'{options.Address}' uses the port of listener:address '{write.Address}'; give each its own port.");
        }

        return problems;
    }
}
