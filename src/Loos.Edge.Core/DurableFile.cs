using System.Runtime.InteropServices;

namespace Loos.Edge.Core;

/// <summary>
/// Files that survive a power cut once written: the data fsynced, then renamed over the old file, then the directory
/// fsynced so that the rename itself is on disk. .NET cannot open a directory handle, hence the libc calls.
/// Files are created readable by the service user only (0600), directories 0700: they hold a building's readings.
/// </summary>
public static partial class DurableFile
{
    /// <summary>rw------- : files of the gateway's state.</summary>
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>rwx------ : directories the gateway creates for its state.</summary>
    public const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="directory"/> and any missing parent with <see cref="PrivateDirectoryMode"/>; an existing one is left as it is.</summary>
    /// <exception cref="IOException">The directory cannot be created.</exception>
    public static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, PrivateDirectoryMode);
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="data"/> atomically: a reader sees the old file or the new one, never a mix.</summary>
    /// <exception cref="IOException">The file or its directory cannot be written or synchronised.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void Replace(string path, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(path);
        var temporary = path + ".tmp";
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = PrivateFileMode;
        }

        try
        {
            using (var stream = new FileStream(temporary, create))
            {
                stream.Write(data);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // On a full disk the half-written temporary file holds space the next attempt needs.
            TryDelete(temporary);
            throw;
        }

        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>fsync of a directory, so that a file created, renamed or deleted in it survives a power cut.</summary>
    /// <exception cref="IOException">The directory cannot be opened or synchronised.</exception>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // O_RDONLY (0) suffices to fsync a directory on Linux (open(2)).
        var descriptor = Open(directory, 0);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to synchronise it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"Cannot synchronise directory '{directory}' (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A read-only file system keeps it; the next attempt overwrites it.
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
