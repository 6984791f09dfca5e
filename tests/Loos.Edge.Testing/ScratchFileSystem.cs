using System.Diagnostics;
using Xunit;

namespace Loos.Edge.Testing;

/// <summary>
/// A small file system of its own mounted on a directory, so that a test can fill it (ENOSPC) or have the kernel turn
/// it read-only under a running gateway. Mounting needs root: CI runs as root; elsewhere the tests skip.
/// </summary>
public sealed class ScratchFileSystem : IDisposable
{
    private readonly string? image;
    private int fillerFiles;

    private ScratchFileSystem(string directory, string? image)
    {
        Directory = directory;
        this.image = image;
    }

    /// <summary>Why a test that mounts cannot run here, or null when it can.</summary>
    public static string? CannotMount =>
        !OperatingSystem.IsLinux() ? "mounting a scratch file system needs Linux"
        : !Environment.IsPrivilegedProcess ? "mounting a scratch file system needs root (CI runs the tests as root)"
        : null;

    public string Directory { get; }

    /// <summary>The loop device of an ext4 file system, e.g. <c>loop3</c>; null for tmpfs.</summary>
    public string? Device { get; private set; }

    /// <summary>Mounts a tmpfs of <paramref name="sizeBytes"/> on <paramref name="directory"/> (created if missing).</summary>
    public static ScratchFileSystem MountTmpfs(string directory, long sizeBytes)
    {
        System.IO.Directory.CreateDirectory(directory);
        Run("mount", "-t", "tmpfs", "-o", $"size={sizeBytes},mode=0755", "tmpfs", directory);
        return new ScratchFileSystem(directory, image: null);
    }

    /// <summary>
    /// Mounts a fresh ext4 file system of <paramref name="sizeBytes"/> from a loop image on <paramref name="directory"/>,
    /// with <c>errors=remount-ro</c> as on a gateway's SD card: a file system error turns it read-only at once.
    /// </summary>
    public static ScratchFileSystem MountExt4(string directory, long sizeBytes)
    {
        System.IO.Directory.CreateDirectory(directory);
        var image = Path.Combine(Path.GetTempPath(), $"loos-edge-scratch-{Guid.NewGuid():N}.img");
        using (var file = File.Create(image))
        {
            file.SetLength(sizeBytes);
        }

        var scratch = new ScratchFileSystem(directory, image);
        try
        {
            Run("mkfs.ext4", "-q", "-F", image);
            scratch.Mount();
            return scratch;
        }
        catch
        {
            File.Delete(image);
            throw;
        }
    }

    /// <summary>Free bytes as the file system reports them.</summary>
    public long FreeBytes => new DriveInfo(Directory).AvailableFreeSpace;

    /// <summary>Writes filler files until the file system refuses more (ENOSPC).</summary>
    public void Fill()
    {
        var chunk = new byte[4096];
        using var filler = new FileStream(Path.Combine(Directory, $"filler-{fillerFiles++}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                filler.Write(chunk);
            }
        }
        catch (IOException)
        {
            // Full; a page-sized tail may still be free, so fill it byte by byte.
        }

        try
        {
            while (true)
            {
                filler.Write(chunk.AsSpan(0, 1));
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Deletes the filler files: their space is free again.</summary>
    public void Free()
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "filler-*"))
        {
            File.Delete(path);
        }
    }

    /// <summary>Reports an ext4 error on the file system, as a failing SD card would; <c>errors=remount-ro</c> turns it read-only under every open file.</summary>
    public void TriggerErrorAndTurnReadOnly()
    {
        File.WriteAllText($"/sys/fs/ext4/{Device ?? throw new InvalidOperationException("Only an ext4 scratch file system can be made to fail.")}/trigger_fs_error", "loos-edge fault test");
    }

    /// <summary>
    /// The way back from an emergency read-only ext4 (the kernel refuses to remount it read-write): unmount, e2fsck,
    /// mount again. Whoever had files open on it must have closed them.
    /// </summary>
    public void CheckAndRemount()
    {
        Run("umount", Directory);
        Device = null;
        var check = RunAllowingFailure("e2fsck", "-f", "-y", image!);

        // 0: clean; 1: errors corrected (the error the test triggered is recorded in the superblock).
        if (check.ExitCode > 1)
        {
            throw new InvalidOperationException($"e2fsck exited with {check.ExitCode}: {check.Output}");
        }

        Mount();
    }

    /// <summary>Whether the kernel holds the file system read-only now.</summary>
    public bool IsReadOnly
    {
        get
        {
            // "ro" first, or ext4's "emergency_ro" after an error with errors=remount-ro.
            var options = RunAllowingFailure("findmnt", "-no", "OPTIONS", Directory).Output.Trim().Split(',');
            return options[0] == "ro" || options.Contains("emergency_ro");
        }
    }

    public void Dispose()
    {
        // Lazy, so that a process still holding a file here does not leave the mount behind.
        RunAllowingFailure("umount", "-l", Directory);
        if (image is not null)
        {
            File.Delete(image);
        }
    }

    private void Mount()
    {
        Run("mount", "-o", "loop,errors=remount-ro", image!, Directory);
        Device = Path.GetFileName(RunAllowingFailure("findmnt", "-no", "SOURCE", Directory).Output.Trim());
    }

    private static void Run(string command, params string[] arguments)
    {
        var (exitCode, output) = RunAllowingFailure(command, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {exitCode}: {output}");
        }
    }

    private static (int ExitCode, string Output) RunAllowingFailure(string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {command}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}

/// <summary>A fact that mounts a scratch file system: skipped, with the reason, where mounting is not permitted.</summary>
public sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (ScratchFileSystem.CannotMount is { } reason)
        {
            Skip = reason;
        }
    }
}
