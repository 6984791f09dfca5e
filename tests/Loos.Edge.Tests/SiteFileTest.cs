namespace Loos.Edge.Tests;

/// <summary>A test of site files: its own temporary folder to write them in, removed afterwards.</summary>
public abstract class SiteFileTest : IDisposable
{
    protected string Folder { get; } = Directory.CreateTempSubdirectory("loos-edge-site-").FullName;

    /// <summary>Writes <paramref name="text"/> as <c>site.yaml</c> in the test's folder and returns its path.</summary>
    protected string Write(string text)
    {
        var path = Path.Combine(Folder, "site.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
