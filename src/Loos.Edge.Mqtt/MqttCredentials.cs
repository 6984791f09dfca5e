namespace Loos.Edge.Mqtt;

/// <summary>The broker user name and password, read from the credentials file (user name on line 1, password on line 2).</summary>
internal sealed record MqttCredentials(string UserName, string Password)
{
    /// <exception cref="FormatException">The file has no user name or no password line.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The gateway may not read the file.</exception>
    public static MqttCredentials Read(string path)
    {
        var lines = File.ReadAllText(path).Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        if (lines.Count < 2 || lines[0].Trim().Length == 0)
        {
            throw new FormatException($"{path} must hold the user name on its first line and the password on its second.");
        }

        return new MqttCredentials(lines[0].Trim(), lines[1]);
    }

    /// <summary>Never the password, should a record end up in a log.</summary>
    public override string ToString() => $"{UserName} (password hidden)";
}
