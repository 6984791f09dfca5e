using System.Diagnostics;
using System.Text.RegularExpressions;
using Loos.Edge.Testing;
using Xunit.Abstractions;

namespace Loos.Edge.Install.Tests;

/// <summary>
/// Release archives made once per test run by the real <c>./build.sh package RID</c> (a self-contained publish
/// takes minutes, so every test of a runtime shares one), with how long that took and how big the archive is.
/// </summary>
public sealed partial class ReleaseArchives
{
    private static readonly Dictionary<string, Lazy<Task<ReleaseArchive>>> Packaged = new(StringComparer.Ordinal)
    {
        ["linux-x64"] = new(() => PackageAsync("linux-x64")),
        ["linux-arm64"] = new(() => PackageAsync("linux-arm64")),
    };

    /// <summary>The version the project declares (Directory.Build.props), which names the archive and which --version prints.</summary>
    public static string ProjectVersion { get; } = ReadProjectVersion();

    public static Task<ReleaseArchive> GetAsync(string runtime) => Packaged[runtime].Value;

    private static async Task<ReleaseArchive> PackageAsync(string runtime)
    {
        var watch = Stopwatch.StartNew();
        var result = await Shell.RunAsync(Path.Combine(RepositoryPaths.Root, "build.sh"), ["package", runtime], TimeSpan.FromMinutes(15), RepositoryPaths.Root);
        watch.Stop();
        Assert.True(result.ExitCode == 0, $"./build.sh package {runtime} failed:\n{result.Output}");
        var path = Path.Combine(RepositoryPaths.Root, "artifacts", $"loos-edge-{ProjectVersion}-{runtime}.tar.gz");
        Assert.True(File.Exists(path), $"./build.sh package {runtime} did not make {path}:\n{result.Output}");
        return new ReleaseArchive(runtime, path, ProjectVersion, watch.Elapsed, new FileInfo(path).Length);
    }

    private static string ReadProjectVersion()
    {
        var props = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Directory.Build.props"));
        return VersionElement().Match(props) is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException("No <Version> in Directory.Build.props.");
    }

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();
}

/// <summary>One archive made by <c>./build.sh package</c>.</summary>
public sealed record ReleaseArchive(string Runtime, string Path, string Version, TimeSpan PackagingTime, long Bytes)
{
    /// <summary>Says in the test output how long packaging took and how large the archive is.</summary>
    public void Report(ITestOutputHelper output) =>
        output.WriteLine($"{System.IO.Path.GetFileName(Path)}: {Bytes / 1024.0 / 1024.0:F1} MiB, packaged in {PackagingTime.TotalSeconds:F0} s (once per run)");

    /// <summary>Unpacks the archive into <paramref name="directory"/> and returns its top folder.</summary>
    public async Task<string> UnpackAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var result = await Shell.RunAsync("tar", ["-C", directory, "-xzf", Path], TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.Output);
        return System.IO.Path.Combine(directory, $"loos-edge-{Version}-{Runtime}");
    }
}
