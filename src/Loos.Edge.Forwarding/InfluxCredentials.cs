using System.Net.Http.Headers;
using System.Text;

namespace Loos.Edge.Forwarding;

/// <summary>How the gateway authenticates to a target, for writes and for the queries of its reports.</summary>
public static class InfluxCredentials
{
    /// <summary>
    /// The Authorization header of <paramref name="target"/>, its files read now: the token of an InfluxDB 2.x/3.x
    /// target, else the user and password of a 1.x one; null when it has none.
    /// </summary>
    /// <exception cref="IOException">A credentials file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">A credentials file is not readable by the gateway.</exception>
    public static AuthenticationHeaderValue? Read(TargetOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Api == InfluxApi.V2 && target.TokenFile is { } tokenFile)
        {
            return new AuthenticationHeaderValue("Token", ReadSecret(tokenFile));
        }

        if (!string.IsNullOrEmpty(target.Username))
        {
            var password = string.IsNullOrEmpty(target.PasswordFile) ? string.Empty : ReadSecret(target.PasswordFile);
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{target.Username}:{password}")));
        }

        return null;
    }

    private static string ReadSecret(string path) => File.ReadAllText(path).Trim();
}
