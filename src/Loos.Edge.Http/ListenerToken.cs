using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Loos.Edge.Http;

/// <summary>
/// The token of <see cref="ListenerOptions.TokenFile"/>, checked against what a request carries the ways InfluxDB clients
/// send it: <c>Authorization: Token …</c> (InfluxDB 2), <c>Bearer …</c> (InfluxDB 3 clients), v1 basic auth and the v1
/// <c>u</c>/<c>p</c> query parameters (the token as the password, the user name ignored).
/// </summary>
internal sealed class ListenerToken
{
    // Only hashes are compared, in constant time: neither the content nor the length of the token leaks through timing.
    private readonly byte[] tokenHash;

    private ListenerToken(ReadOnlySpan<byte> token)
    {
        tokenHash = SHA256.HashData(token);
    }

    /// <summary>The token of the listener's options, or null when none is configured.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable by the gateway.</exception>
    public static ListenerToken? From(ListenerOptions options) =>
        string.IsNullOrWhiteSpace(options.TokenFile) ? null : new ListenerToken(Read(options.TokenFile).Span);

    /// <summary>The token in <paramref name="path"/>: its text without surrounding white space, as UTF-8.</summary>
    public static ReadOnlyMemory<byte> Read(string path) => Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());

    public bool Authorizes(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString().AsSpan().Trim();
        var space = header.IndexOf(' ');
        if (space > 0)
        {
            var scheme = header[..space];
            var credentials = header[(space + 1)..].Trim();
            if (scheme.Equals("Token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            {
                return Matches(credentials);
            }

            if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
            {
                return MatchesBasic(credentials);
            }
        }

        return request.Query["p"] is { Count: 1 } password && Matches(password.ToString());
    }

    private bool MatchesBasic(ReadOnlySpan<char> credentials)
    {
        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(credentials.Length)];
        if (!Convert.TryFromBase64Chars(credentials, decoded, out var length))
        {
            return false;
        }

        var userAndPassword = decoded.AsSpan(0, length);
        var colon = userAndPassword.IndexOf((byte)':');
        return colon >= 0 && Matches(userAndPassword[(colon + 1)..]);
    }

    private bool Matches(ReadOnlySpan<char> candidate) => Matches(Encoding.UTF8.GetBytes(candidate.ToString()));

    private bool Matches(ReadOnlySpan<byte> candidate) => CryptographicOperations.FixedTimeEquals(SHA256.HashData(candidate), tokenHash);
}
