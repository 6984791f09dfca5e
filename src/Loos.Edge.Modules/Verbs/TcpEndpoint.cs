namespace Loos.Edge.Verbs;

/// <summary>A device reached over TCP, written HOST:PORT, [IPv6]:PORT or HOST alone for the default port.</summary>
public readonly record struct TcpEndpoint(string Host, int Port)
{
    /// <summary>An option naming a TCP device; <paramref name="defaultPort"/> when the text gives none.</summary>
    public static Option<TcpEndpoint?> Option(string name, int defaultPort, string description)
    {
        var option = TypedOptions.Parsed(name, (string text, out TcpEndpoint? endpoint) =>
        {
            endpoint = TryParse(text, defaultPort, out var parsed) ? parsed : null;
            return endpoint is null ? $"{name} '{text}' is not HOST:PORT" : null;
        });
        option.Description = description;
        return option;
    }

    public static bool TryParse(string text, int defaultPort, out TcpEndpoint endpoint)
    {
        endpoint = default;
        var host = text;
        var port = defaultPort;

        // [v6 address]:port, host:port, or a host alone (a bare IPv6 address has several colons).
        var colon = text.LastIndexOf(':');
        if (colon > 0 && (text.IndexOf(':', StringComparison.Ordinal) == colon || text[colon - 1] == ']'))
        {
            host = text[..colon];
            if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                return false;
            }
        }

        host = host.Trim('[', ']');
        endpoint = new TcpEndpoint(host, port);
        return host.Length > 0;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
