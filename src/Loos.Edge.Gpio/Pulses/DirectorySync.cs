using System.Runtime.InteropServices;

namespace Loos.Edge.Gpio.Pulses;

/// <summary>
/// fsync of a directory, so that a created, renamed or deleted file survives a power cut: .NET cannot open a
/// directory handle, hence the two libc calls.
/// </summary>
internal static partial class DirectorySync
{
    /// <exception cref="IOException">The directory cannot be opened or synchronised.</exception>
    public static void Flush(string directory)
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

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
