using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Loos.Edge.Testing;

/// <summary>One run of a server binary, its stdout and stderr appended to a log file.</summary>
internal sealed partial class ServerProcess
{
    private const int SignalTerminate = 15; // POSIX SIGTERM: lets the server close its files cleanly.

    private readonly Process process;

    private ServerProcess(Process process) => this.process = process;

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The binary, or an exception naming the Debian package that provides it.</summary>
    public static string RequireBinary(string path, string debianPackages) =>
        File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: install it with 'apt-get install -y {debianPackages}'.");

    public static ServerProcess Start(string binary, IEnumerable<string> arguments, string logFile)
    {
        // The shell execs the server, so the process id is the server's own and signals reach it.
        var command = "exec " + Quote(binary) + " " + string.Join(' ', arguments.Select(Quote)) + " >>" + Quote(logFile) + " 2>&1";
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {binary}.");
        return new ServerProcess(process);
    }

    /// <summary>Asks the server to stop and waits for it; kills it if it has not stopped in time.</summary>
    public void Stop(TimeSpan grace)
    {
        if (process.HasExited)
        {
            return;
        }

        _ = Kill(process.Id, SignalTerminate);
        if (!process.WaitForExit(grace))
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
    }

    public void KillNow()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
    }

    public static string Tail(string logFile, int maxChars = 4000)
    {
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > maxChars)
            {
                stream.Seek(-maxChars, SeekOrigin.End);
            }

            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException exception)
        {
            return $"(log {logFile} unreadable: {exception.Message})";
        }
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int processId, int signal);
}
