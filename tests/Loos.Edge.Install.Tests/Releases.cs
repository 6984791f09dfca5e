namespace Loos.Edge.Install.Tests;

/// <summary>
/// Further releases made from the packaged one, as the next release archive would be: the same build with another
/// version in its VERSION file and folder name, and whatever a test changes in it (a shipped profile, a gateway that
/// does not start). Uncompressed (.tar): install.sh's tar reads either.
/// </summary>
public static class Releases
{
    public static async Task<string> DeriveAsync(ReleaseArchive packaged, string directory, string version, Action<string> change)
    {
        var unpacked = await packaged.UnpackAsync(Path.Combine(directory, "packaged"));
        var name = $"loos-edge-{version}-{packaged.Runtime}";
        var folder = Path.Combine(directory, name);
        Directory.Move(unpacked, folder);
        File.WriteAllText(Path.Combine(folder, "VERSION"), version + "\n");
        change(folder);
        var archive = Path.Combine(directory, $"{name}.tar");
        var result = await Shell.RunAsync("tar", ["-C", directory, "-cf", archive, name], TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.Output);
        Directory.Delete(folder, recursive: true);
        return archive;
    }

    /// <summary>Appends a line to a shipped file, as a new release that changed it would ship it.</summary>
    public static void ChangeShipped(string folder, string relativePath, string line) =>
        File.AppendAllText(Path.Combine(folder, "firmware-config", relativePath), line + "\n");

    /// <summary>A gateway that exits at once when run, and answers every other verb (config validate) as the real one.</summary>
    public static void GatewayExitsAtOnce(string folder)
    {
        var program = Path.Combine(folder, "program");
        File.Move(Path.Combine(program, "loos-edge"), Path.Combine(program, "loos-edge-real"));
        File.WriteAllText(Path.Combine(program, "loos-edge"), """
            #!/bin/sh
            if [ "$1" = run ]; then echo "loos-edge: exits at once" >&2; exit 1; fi
            exec "$(dirname "$0")/loos-edge-real" "$@"
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(program, "loos-edge"), (UnixFileMode)0b111_101_101);
        }
    }
}
