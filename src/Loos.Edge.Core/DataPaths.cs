namespace Loos.Edge.Core;

/// <summary>Where the gateway keeps its other state files: in the folder that holds the buffer directory.</summary>
public static class DataPaths
{
    /// <summary><paramref name="name"/> beside <paramref name="bufferDirectory"/> (e.g. /var/lib/loos-edge/NAME for /var/lib/loos-edge/buffer).</summary>
    public static string BesideBuffer(string bufferDirectory, string name)
    {
        // An empty directory is a site-file problem reported with the others; the path is then never used.
        ArgumentNullException.ThrowIfNull(bufferDirectory);
        return Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(bufferDirectory)) ?? bufferDirectory, name);
    }
}
