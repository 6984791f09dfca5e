using System.Security.Cryptography;
using System.Text;
using Loos.Edge.Core;

namespace Loos.Edge.Web.Crew;

/// <summary>
/// The crew's users file (<c>web:usersFile</c>): one line per user, <c>name pbkdf2-sha256 iterations salt hash</c>
/// (salt and hash in base64). Passwords are kept only as PBKDF2-SHA256 hashes with a salt of their own; the file is
/// rewritten whole, owner-only, through a temporary file, so that a crash never leaves half a file.
/// </summary>
internal sealed class CrewUsers
{
    /// <summary>PBKDF2 iterations for a new hash (OWASP's figure for PBKDF2-HMAC-SHA256 is 600,000).</summary>
    public const int Iterations = 600_000;

    /// <summary>The longest password taken, characters: longer input is refused rather than hashed for long.</summary>
    public const int MaxPasswordLength = 256;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Compared against when the name is unknown, so that a wrong name takes as long as a wrong password.
    private static readonly Lazy<string> UnknownUser = new(() => Hash("unknown user"));

    private readonly string path;

    public CrewUsers(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        this.path = path;
    }

    /// <summary>Whether <paramref name="name"/> is a user name the file takes: 1 to 64 letters, digits, '.', '-' or '_'.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    /// <summary>Whether <paramref name="password"/> is that of user <paramref name="name"/>; false for an unknown user or an unreadable file.</summary>
    public bool Verify(string name, string password)
    {
        if (password.Length > MaxPasswordLength)
        {
            return false;
        }

        var users = ReadOrEmpty();
        var known = users.TryGetValue(name, out var stored);
        return Matches(known ? stored! : UnknownUser.Value, password) && known;
    }

    /// <summary>Adds user <paramref name="name"/>, or sets a new password for it; returns whether it was there already.</summary>
    /// <exception cref="ArgumentException">The name or the password is not acceptable (the message says why).</exception>
    public bool Add(string name, string password)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"user name '{name}': 1 to 64 letters, digits, '.', '-' or '_'", nameof(name));
        }

        if (password.Length is < 12 or > MaxPasswordLength)
        {
            throw new ArgumentException($"the password must have 12 to {MaxPasswordLength} characters", nameof(password));
        }

        var users = ReadOrEmpty();
        var existed = users.ContainsKey(name);
        users[name] = Hash(password);
        Write(users);
        return existed;
    }

    /// <summary>Removes user <paramref name="name"/>; returns whether it was there.</summary>
    public bool Remove(string name)
    {
        var users = ReadOrEmpty();
        if (!users.Remove(name))
        {
            return false;
        }

        Write(users);
        return true;
    }

    /// <summary>The users' names, sorted.</summary>
    public IReadOnlyList<string> Names() => [.. ReadOrEmpty().Keys.Order(StringComparer.Ordinal)];

    /// <summary>A stored hash of <paramref name="password"/> with a new random salt.</summary>
    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join(' ', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    private static bool Matches(string stored, string password)
    {
        var parts = stored.Split(' ');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 100_000)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
            var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private Dictionary<string, string> ReadOrEmpty()
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return users;
        }

        foreach (var line in File.ReadAllLines(path))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && !line.StartsWith('#'))
            {
                users[line[..space]] = line[(space + 1)..];
            }
        }

        return users;
    }

    private void Write(Dictionary<string, string> users)
    {
        var text = new StringBuilder("# loos-edge web crew users: name pbkdf2-sha256 iterations salt hash\n");
        foreach (var (name, stored) in users.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append(' ').Append(stored).Append('\n');
        }

        // Owner-only, replaced whole: a crash never leaves half a file.
        DurableFile.Replace(path, Encoding.UTF8.GetBytes(text.ToString()));
    }
}
