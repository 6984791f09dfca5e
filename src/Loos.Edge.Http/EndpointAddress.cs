using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Loos.Edge.Http;

/// <summary>Reads the <c>host:port</c> addresses of <see cref="ListenerOptions"/> and <see cref="HealthOptions"/>.</summary>
public static class EndpointAddress
{
    /// <summary>
    /// Parses <paramref name="value"/> (<c>127.0.0.1:8186</c>, <c>[::1]:8186</c>, <c>localhost:8186</c>,
    /// <c>0.0.0.0:8186</c>) into an endpoint with a port from 1 to 65535.
    /// </summary>
    /// <param name="value">The configured text.</param>
    /// <param name="key">The configuration key, for the message (for example <c>listener:address</c>).</param>
    /// <exception cref="FormatException">The value is not host:port; the message names <paramref name="key"/>.</exception>
    public static IPEndPoint Parse(string? value, string key) =>
        TryParse(value, out var endpoint, out var problem)
            ? endpoint
            : throw new FormatException($"{key} '{value}' is not host:port ({problem}).");

    internal static bool TryParse(string? value, [NotNullWhen(true)] out IPEndPoint? endpoint, [NotNullWhen(false)] out string? problem)
    {
        endpoint = null;
        var separator = value?.LastIndexOf(':') ?? -1;
        if (value is null || separator <= 0)
        {
            problem = "expected an IP address or localhost, a colon and a port, for example 127.0.0.1:8186";
            return false;
        }

        var host = value[..separator];
        if (!int.TryParse(value.AsSpan(separator + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is < IPEndPoint.MinPort + 1 or > IPEndPoint.MaxPort)
        {
            problem = "the port must be a number from 1 to 65535";
            return false;
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        IPAddress? address = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : null;
        if (address is null && !IPAddress.TryParse(host, out address))
        {
            problem = $"'{host}' is not an IP address or localhost";
            return false;
        }

        endpoint = new IPEndPoint(address, port);
        problem = null;
        return true;
    }
}
