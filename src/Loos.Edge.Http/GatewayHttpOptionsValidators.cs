using System.Net;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Http;

/// <summary>Checks the <c>listener</c> section, naming each key at fault.</summary>
public sealed class ListenerOptionsValidator : IValidateOptions<ListenerOptions>
{
    public ValidateOptionsResult Validate(string? name, ListenerOptions options)
    {
        var failures = new List<string>();
        IPEndPoint? endpoint = null;
        if (options.Enabled && !EndpointAddress.TryParse(options.Address, out endpoint, out var problem))
        {
            failures.Add($"listener:address '{options.Address}' is not host:port ({problem}).");
        }
        else if (endpoint is not null && !IPAddress.IsLoopback(endpoint.Address) && string.IsNullOrWhiteSpace(options.TokenFile))
        {
            failures.Add($"listener:address '{options.Address}' is beyond loopback: set listener:tokenFile to a file holding the token clients must send.");
        }

        if (options.Enabled && !string.IsNullOrWhiteSpace(options.TokenFile))
        {
            try
            {
                if (ListenerToken.Read(options.TokenFile).IsEmpty)
                {
                    failures.Add($"listener:tokenFile '{options.TokenFile}' is empty.");
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                failures.Add($"listener:tokenFile '{options.TokenFile}' cannot be read: {exception.Message}");
            }
        }

        if (options.MaxBodyBytes <= 0)
        {
            failures.Add($"listener:maxBodyBytes must be positive (was {options.MaxBodyBytes}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Checks the <c>health</c> section, naming each key at fault; the health port must differ from the listener's.</summary>
public sealed class HealthOptionsValidator(IOptions<ListenerOptions> listener) : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        if (!EndpointAddress.TryParse(options.Address, out var health, out var problem))
        {
            return ValidateOptionsResult.Fail($"health:address '{options.Address}' is not host:port ({problem}).");
        }

        // Routes are told apart by the local port, so the two endpoints cannot share one.
        var write = listener.Value;
        if (write.Enabled && EndpointAddress.TryParse(write.Address, out var writeEndpoint, out _) && writeEndpoint.Port == health.Port)
        {
            return ValidateOptionsResult.Fail($"health:address '{options.Address}' uses the port of listener:address '{write.Address}'; give each its own port.");
        }

        return ValidateOptionsResult.Success;
    }
}
