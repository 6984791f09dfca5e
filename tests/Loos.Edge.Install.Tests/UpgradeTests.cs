using Xunit.Abstractions;

namespace Loos.Edge.Install.Tests;

/// <summary>
/// install.sh run for real, as root, on the linux-x64 archive made by <c>./build.sh package</c>, into a scratch root
/// with a stand-in for systemctl (see <see cref="ScratchInstall"/>): first install, upgrade, rollback and uninstall.
/// </summary>
public sealed class UpgradeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string EditedProfile = "profiles/eastron-sdm630.yaml";
    private const string UneditedProfile = "profiles/eastron-sdm120.yaml";
    private readonly ScratchInstall install = new();
    private readonly string releases = Directory.CreateTempSubdirectory("loos-edge-releases-").FullName;
    private ReleaseArchive packaged = null!;

    public async Task InitializeAsync()
    {
        packaged = await ReleaseArchives.GetAsync("linux-x64");
        packaged.Report(output);
    }

    public async Task DisposeAsync()
    {
        await install.DisposeAsync();
        Directory.Delete(releases, recursive: true);
    }

    [Fact]
    public async Task FirstInstall_WithoutASiteFile_PutsTheExampleAndDoesNotStart()
    {
        var result = await install.InstallAsync(packaged.Path);

        output.WriteLine(result.Output);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("not started", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Installed Loos Edge", result.Output, StringComparison.Ordinal);
        Assert.Contains("systemctl enable --now loos-edge", result.Output, StringComparison.Ordinal);
        Assert.Null(install.RunningRelease());
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(install.Program, "current", "firmware-config", "site.example.yaml")),
            await File.ReadAllTextAsync(install.SiteFile));
        Assert.Equal($"releases/{packaged.Version}", install.Link("opt/loos-edge/current"));
        var version = await Shell.RunAsync(Path.Combine(install.Root, "usr", "local", "bin", "loos-edge"), ["--version"], TimeSpan.FromMinutes(1));
        Assert.StartsWith(ReleaseArchives.ProjectVersion, version.Output.Trim(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(install.Root, "etc", "systemd", "journald.conf.d", "loos-edge.conf")));
    }

    [Fact]
    public async Task Install_OnAnInvalidSiteFile_SaysWhatToEditAndDoesNotStart()
    {
        install.WriteSiteFile();
        File.AppendAllText(install.SiteFile, "rollups:\n  enabled: perhaps\n");

        var result = await install.InstallAsync(packaged.Path);

        output.WriteLine(result.Output);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{install.SiteFile}:", result.Output, StringComparison.Ordinal);
        Assert.Contains("not (re)started", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Installed Loos Edge", result.Output, StringComparison.Ordinal);
        Assert.Null(install.RunningRelease());
        Assert.False(await install.HealthAnswersAsync());
    }

    [Fact]
    public async Task Upgrade_KeepsAnEditedProfileAndTheBuffer_AndRunsTheNewRelease()
    {
        install.WriteSiteFile();
        var first = await install.InstallAsync(packaged.Path);
        output.WriteLine(first.Output);
        Assert.True(first.ExitCode == 0, first.Output + install.SupervisorLog());
        Assert.Equal(packaged.Version, install.RunningRelease());
        Assert.True(await install.HealthAnswersAsync());
        var edited = Path.Combine(install.Configuration, EditedProfile);
        File.AppendAllText(edited, "# meter 2 wired on L2 only\n");
        var editedText = await File.ReadAllTextAsync(edited);
        var siteText = await File.ReadAllTextAsync(install.SiteFile);
        // Segments every target has are deleted by the buffer itself as it goes; its checkpoints and counters are what
        // an upgrade that wiped the folder would lose.
        var bufferFiles = Directory.GetFiles(Path.Combine(install.Data, "buffer"), "*", SearchOption.AllDirectories).Where(file => !file.EndsWith(".seg", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(bufferFiles);

        var next = await Releases.DeriveAsync(packaged, releases, "99.0.0", folder =>
        {
            Releases.ChangeShipped(folder, EditedProfile, "# shipped by 99.0.0");
            Releases.ChangeShipped(folder, UneditedProfile, "# shipped by 99.0.0");
        });
        var upgrade = await install.InstallAsync(next);

        output.WriteLine(upgrade.Output);
        Assert.True(upgrade.ExitCode == 0, upgrade.Output + install.SupervisorLog());
        Assert.Equal("99.0.0", install.RunningRelease());
        Assert.True(await install.HealthAnswersAsync());
        Assert.Equal("releases/99.0.0", install.Link("opt/loos-edge/current"));
        Assert.Equal($"releases/{packaged.Version}", install.Link("opt/loos-edge/previous"));
        // The technician's edit stays; the new shipped version is beside it, and the output says so.
        Assert.Equal(editedText, await File.ReadAllTextAsync(edited));
        Assert.EndsWith("# shipped by 99.0.0\n", await File.ReadAllTextAsync(edited + ".new"), StringComparison.Ordinal);
        Assert.Contains($"Kept {edited}", upgrade.Output, StringComparison.Ordinal);
        // A profile nobody edited is the new shipped one, with nothing beside it.
        Assert.EndsWith("# shipped by 99.0.0\n", await File.ReadAllTextAsync(Path.Combine(install.Configuration, UneditedProfile)), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(install.Configuration, UneditedProfile + ".new")));
        Assert.Equal(siteText, await File.ReadAllTextAsync(install.SiteFile));
        Assert.All(bufferFiles, file => Assert.True(File.Exists(file), $"{file} went in the upgrade"));

        var rollback = await install.RunInstallerAsync("--rollback");

        output.WriteLine(rollback.Output);
        Assert.True(rollback.ExitCode == 0, rollback.Output + install.SupervisorLog());
        Assert.Equal(packaged.Version, install.RunningRelease());
        Assert.Equal("releases/99.0.0", install.Link("opt/loos-edge/previous"));
    }

    [Fact]
    public async Task Upgrade_ToAGatewayThatExitsAtOnce_RollsBackToThePreviousRelease()
    {
        install.WriteSiteFile();
        var first = await install.InstallAsync(packaged.Path);
        Assert.True(first.ExitCode == 0, first.Output + install.SupervisorLog());
        var broken = await Releases.DeriveAsync(packaged, releases, "99.0.1", folder =>
        {
            Releases.GatewayExitsAtOnce(folder);
            Releases.ChangeShipped(folder, UneditedProfile, "# shipped by 99.0.1");
        });
        var unchangedProfile = await File.ReadAllTextAsync(Path.Combine(install.Configuration, UneditedProfile));

        var upgrade = await install.InstallAsync(broken);

        output.WriteLine(upgrade.Output);
        Assert.Equal(1, upgrade.ExitCode);
        Assert.Contains("did not become ready", upgrade.Output, StringComparison.Ordinal);
        Assert.Contains($"Rolled back: {packaged.Version} runs again", upgrade.Output, StringComparison.Ordinal);
        Assert.Equal(packaged.Version, install.RunningRelease());
        Assert.True(await install.HealthAnswersAsync());
        Assert.Equal($"releases/{packaged.Version}", install.Link("opt/loos-edge/current"));
        Assert.False(Directory.Exists(Path.Combine(install.Program, "releases", "99.0.1")));
        // The profiles the previous release ran with are back.
        Assert.Equal(unchangedProfile, await File.ReadAllTextAsync(Path.Combine(install.Configuration, UneditedProfile)));
        Assert.Contains("loos-edge: exits at once", install.SupervisorLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uninstall_KeepsTheSiteFileAndBuffer_PurgeRemovesThem()
    {
        install.WriteSiteFile();
        var first = await install.InstallAsync(packaged.Path);
        Assert.True(first.ExitCode == 0, first.Output + install.SupervisorLog());

        var uninstall = await install.RunInstallerAsync("--uninstall");

        output.WriteLine(uninstall.Output);
        Assert.Equal(0, uninstall.ExitCode);
        Assert.Null(install.RunningRelease());
        Assert.False(await install.HealthAnswersAsync());
        Assert.False(Directory.Exists(install.Program));
        Assert.False(File.Exists(Path.Combine(install.Root, "etc", "systemd", "system", "loos-edge.service")));
        Assert.False(File.Exists(Path.Combine(install.Root, "etc", "systemd", "journald.conf.d", "loos-edge.conf")));
        Assert.False(File.Exists(Path.Combine(install.Root, "usr", "local", "bin", "loos-edge")) || new FileInfo(Path.Combine(install.Root, "usr", "local", "bin", "loos-edge")).LinkTarget is not null);
        Assert.True(File.Exists(install.SiteFile));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(install.Data, "buffer"), "*", SearchOption.AllDirectories));

        var purge = await install.RunInstallerAsync("--uninstall", "--purge");

        output.WriteLine(purge.Output);
        Assert.Equal(0, purge.ExitCode);
        Assert.False(Directory.Exists(install.Configuration));
        Assert.False(Directory.Exists(install.Data));
    }
}
