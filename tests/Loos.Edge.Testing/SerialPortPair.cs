namespace Loos.Edge.Testing;

/// <summary>
/// Two connected pseudo-terminals made by <c>socat</c> (Debian package <c>socat</c>): what one side writes, the other
/// reads, as over a serial cable. The device (pymodbus) opens <see cref="DevicePath"/>, the gateway <see cref="GatewayPath"/>.
/// Linux pseudo-terminals have no baud rate and refuse parity: open them with parity none.
/// </summary>
public sealed class SerialPortPair : IAsyncDisposable
{
    private const string Binary = "/usr/bin/socat";

    private readonly ServerProcess process;

    private SerialPortPair(ServerProcess process, string directory)
    {
        this.process = process;
        Directory = directory;
        DevicePath = Path.Combine(directory, "device");
        GatewayPath = Path.Combine(directory, "gateway");
        LogFile = Path.Combine(directory, "socat.log");
    }

    /// <summary>The link to the device end of the pair.</summary>
    public string DevicePath { get; }

    /// <summary>The link to the gateway end of the pair.</summary>
    public string GatewayPath { get; }

    public string Directory { get; }

    public string LogFile { get; }

    /// <summary>Starts socat and waits until both links exist.</summary>
    /// <exception cref="InvalidOperationException">socat is not installed or exited.</exception>
    /// <exception cref="TimeoutException">The links did not appear within 10 s.</exception>
    public static async Task<SerialPortPair> StartAsync()
    {
        ServerProcess.RequireBinary(Binary, "socat");
        var directory = System.IO.Directory.CreateTempSubdirectory("loos-edge-pty-").FullName;
        var log = Path.Combine(directory, "socat.log");
        var process = ServerProcess.Start(
            Binary,
            ["-d", "-d", $"pty,raw,echo=0,link={Path.Combine(directory, "device")}", $"pty,raw,echo=0,link={Path.Combine(directory, "gateway")}"],
            log);
        var pair = new SerialPortPair(process, directory);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(File.Exists(pair.DevicePath) && File.Exists(pair.GatewayPath)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var tail = ServerProcess.Tail(log);
                await pair.DisposeAsync();
                throw process.HasExited
                    ? new InvalidOperationException($"socat exited during start-up. Log tail:\n{tail}")
                    : new TimeoutException($"socat did not create its pseudo-terminals within 10 s. Log tail:\n{tail}");
            }

            await Task.Delay(20);
        }

        return pair;
    }

    public ValueTask DisposeAsync()
    {
        process.KillNow();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS's temp cleaner.
        }

        return ValueTask.CompletedTask;
    }
}
