using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Loos.Edge.Web.Tenant;

/// <summary>
/// The secret of a home's link: 256 random bits from the system's generator, written base64url (43 characters) so that
/// it sits in a URL as it is. Only its SHA-256 is kept: a secret of 256 random bits needs no slow hash.
/// </summary>
internal static class TenantSecret
{
    private const int SecretBytes = 32;

    /// <summary>The length of a secret's text: 32 bytes in base64url without padding.</summary>
    public const int TextLength = 43;

    public static string Create() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>Whether <paramref name="text"/> has a secret's shape: 43 base64url characters, nothing else.</summary>
    public static bool IsWellFormed(string? text) =>
        text is { Length: TextLength } && text.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.ASCII.GetBytes(secret));

    /// <summary>A short id for a new token: 8 hex digits, distinct from <paramref name="taken"/>.</summary>
    public static string NewId(IEnumerable<TenantToken> taken)
    {
        var ids = taken.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        string id;
        do
        {
            id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        }
        while (ids.Contains(id));
        return id;
    }
}
