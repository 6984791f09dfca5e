using System.Security.Cryptography;

namespace Loos.Edge.Web.Tenant;

/// <summary>
/// The links the web host accepts: the tokens file, read again whenever it changes on disk, so that a link created,
/// rotated or revoked with <c>loos-edge web token</c> counts from the next request without a restart.
/// </summary>
internal sealed class TenantTokens(WebOptions options)
{
    private readonly string path = options.TokensFile ?? throw new ArgumentException("web:tokensFile is not resolved", nameof(options));
    private readonly Lock gate = new();
    private (DateTime Written, long Length) loadedVersion = (DateTime.MinValue, -1);
    private IReadOnlyList<TenantToken> tokens = [];

    /// <summary>The token whose secret is <paramref name="secret"/>, or null: malformed, unknown or revoked.</summary>
    /// <exception cref="InvalidDataException">The tokens file is damaged.</exception>
    public TenantToken? Find(string? secret)
    {
        if (!TenantSecret.IsWellFormed(secret))
        {
            return null;
        }

        var hash = TenantSecret.Hash(secret!);
        TenantToken? found = null;
        foreach (var token in Current())
        {
            // Every entry is compared, in constant time: how long a refusal takes says nothing of the secrets kept.
            if (CryptographicOperations.FixedTimeEquals(token.SecretHash, hash))
            {
                found = token;
            }
        }

        return found;
    }

    private IReadOnlyList<TenantToken> Current()
    {
        var file = new FileInfo(path);
        var version = file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1L);
        lock (gate)
        {
            if (version != loadedVersion)
            {
                tokens = TenantTokenFile.Read(path);
                loadedVersion = version;
            }

            return tokens;
        }
    }
}
