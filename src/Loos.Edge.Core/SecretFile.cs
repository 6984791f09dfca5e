namespace Loos.Edge.Core;

/// <summary>
/// Checks a file that holds a secret (a token, a password) when the site file is loaded, so that <c>config validate</c>
/// says the file is missing instead of the gateway later reporting that a server refused credentials it never got.
/// </summary>
public static class SecretFile
{
    /// <summary>Adds a problem at <paramref name="key"/> when <paramref name="path"/> cannot be read or holds nothing.</summary>
    public static void Check(ConfigurationProblems problems, string key, string? path)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        var problem = WhyUnusable(path);
        if (problem is not null)
        {
            problems.Add(key, $": {problem}");
        }
    }

    /// <summary>Why <paramref name="path"/> cannot serve as a secret, in words; null when it can.</summary>
    public static string? WhyUnusable(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return string.IsNullOrWhiteSpace(reader.ReadToEnd()) ? $"'{path}' is empty: write the secret in it" : null;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return $"'{path}' does not exist: create it with the secret in it (readable by the service user only, mode 0600)";
        }
        catch (UnauthorizedAccessException)
        {
            return $"'{path}' cannot be read by user {Environment.UserName}: give the service user read access to it";
        }
        catch (IOException exception)
        {
            return $"'{path}' cannot be read: {exception.Message}";
        }
    }
}
