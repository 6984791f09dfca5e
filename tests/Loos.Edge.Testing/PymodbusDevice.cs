using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;

namespace Loos.Edge.Testing;

/// <summary>An exception reply for requests that touch an address range.</summary>
/// <param name="StartAddress">First address of the range.</param>
/// <param name="EndAddress">Last address of the range, inclusive.</param>
/// <param name="Code">The exception code (MODBUS Application Protocol v1.1b3 §7), e.g. 2 for illegal data address.</param>
/// <param name="UnitId">Only for this unit; every unit when null.</param>
public sealed record PymodbusExceptionRange(int StartAddress, int EndAddress, byte Code, byte? UnitId = null);

/// <summary>A reply delay for requests that touch an address range; other requests are answered meanwhile.</summary>
/// <param name="Count">How many replies are delayed; <see cref="PymodbusFaults.Always"/> for all.</param>
public sealed record PymodbusReplyDelay(int StartAddress, int EndAddress, TimeSpan Delay, int Count = PymodbusFaults.Always, byte? UnitId = null);

/// <summary>Faults a <see cref="PymodbusDevice"/> injects; counts are replies affected from when they are set.</summary>
public sealed record PymodbusFaults
{
    /// <summary>A count meaning "every reply".</summary>
    public const int Always = -1;

    /// <summary>Units that never answer.</summary>
    public IReadOnlyList<byte> SilentUnits { get; init; } = [];

    public IReadOnlyList<PymodbusExceptionRange> Exceptions { get; init; } = [];

    public IReadOnlyList<PymodbusReplyDelay> Delays { get; init; } = [];

    /// <summary>Replies of which only the first half is written before the connection is closed (TCP).</summary>
    public int CloseMidReply { get; init; }

    /// <summary>Replies sent with a corrupted CRC (RTU framing only).</summary>
    public int BadCrc { get; init; }

    /// <summary>Replies of which only the first half is ever written.</summary>
    public int HalfFrame { get; init; }

    /// <summary>Bytes written on the line just before a reply, <see cref="GarbageCount"/> times.</summary>
    public IReadOnlyList<byte> GarbageBeforeReply { get; init; } = [];

    public int GarbageCount { get; init; }
}

/// <summary>
/// Debian's pymodbus 3.0 (<c>python3-pymodbus</c>, run with <c>/usr/bin/python3</c>) as an independent Modbus device
/// serving a <see cref="RegisterImage"/> per unit id: over TCP (MBAP or RTU framing) on 127.0.0.1, or over RTU on a
/// serial device such as one end of a <see cref="SerialPortPair"/>. Faults can be switched while it runs.
/// </summary>
public sealed class PymodbusDevice : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";

    private readonly string directory;
    private readonly string controlFile;
    private ServerProcess? process;
    private int generation;

    private PymodbusDevice(string directory)
    {
        this.directory = directory;
        controlFile = Path.Combine(directory, "control.json");
        LogFile = Path.Combine(directory, "pymodbus.log");
    }

    /// <summary>127.0.0.1 for TCP devices.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>The TCP port, 0 for a serial device.</summary>
    public int Port { get; private set; }

    /// <summary>The serial device served, null for TCP.</summary>
    public string? DevicePath { get; private set; }

    public string LogFile { get; }

    /// <summary>The script's process id.</summary>
    public int ProcessId => process?.Id ?? 0;

    /// <summary>The last lines of the device's log, for assertion messages.</summary>
    public string LogTail => ServerProcess.Tail(LogFile);

    /// <summary>The script, found in the repository (<c>tests/Loos.Edge.Testing/pymodbus_device.py</c>).</summary>
    public static string ScriptPath => Path.Combine(RepositoryPaths.Root, "tests", "Loos.Edge.Testing", "pymodbus_device.py");

    /// <summary>Starts a device on 127.0.0.1 at a free port and waits until it accepts connections.</summary>
    /// <param name="rtuFraming">RTU frames with CRC over TCP, as a serial gateway; MBAP framing when false.</param>
    /// <exception cref="InvalidOperationException">python3-pymodbus is missing or the script exited; the message holds its log tail.</exception>
    public static Task<PymodbusDevice> StartTcpAsync(IReadOnlyDictionary<byte, RegisterImage> units, PymodbusFaults? faults = null, bool rtuFraming = false)
    {
        var port = FreePort.Next();
        List<string> arguments = ["--tcp", port.ToString(CultureInfo.InvariantCulture)];
        if (rtuFraming)
        {
            arguments.Add("--rtu-framing");
        }

        return StartAsync(units, faults, arguments, device => device.Port = port);
    }

    /// <summary>Starts a device on a serial port (e.g. <see cref="SerialPortPair.DevicePath"/>) and waits until it has opened it.</summary>
    /// <param name="parity">N, E or O; on a pseudo-terminal the script falls back to N, which the kernel requires.</param>
    public static Task<PymodbusDevice> StartRtuAsync(
        string devicePath,
        IReadOnlyDictionary<byte, RegisterImage> units,
        PymodbusFaults? faults = null,
        int baudRate = 9600,
        char parity = 'N',
        int stopBits = 1) =>
        StartAsync(
            units,
            faults,
            ["--rtu", devicePath, "--baud", baudRate.ToString(CultureInfo.InvariantCulture), "--parity", parity.ToString(), "--stop", stopBits.ToString(CultureInfo.InvariantCulture)],
            device => device.DevicePath = devicePath);

    /// <summary>Replaces the faults in force; the device applies them from its next request.</summary>
    public void SetFaults(PymodbusFaults faults)
    {
        generation++;
        var temporary = controlFile + ".tmp";
        using (var stream = File.Create(temporary))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("generation", generation);
            writer.WriteStartArray("silent_units");
            foreach (var unit in faults.SilentUnits)
            {
                writer.WriteNumberValue(unit);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("exceptions");
            foreach (var range in faults.Exceptions)
            {
                writer.WriteStartObject();
                WriteUnit(writer, range.UnitId);
                writer.WriteNumber("start", range.StartAddress);
                writer.WriteNumber("end", range.EndAddress);
                writer.WriteNumber("code", range.Code);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("delays");
            foreach (var delay in faults.Delays)
            {
                writer.WriteStartObject();
                WriteUnit(writer, delay.UnitId);
                writer.WriteNumber("start", delay.StartAddress);
                writer.WriteNumber("end", delay.EndAddress);
                writer.WriteNumber("delay_ms", delay.Delay.TotalMilliseconds);
                writer.WriteNumber("count", delay.Count);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("close_mid_reply", faults.CloseMidReply);
            writer.WriteNumber("bad_crc", faults.BadCrc);
            writer.WriteNumber("half_frame", faults.HalfFrame);
            writer.WriteString("garbage_before_reply_hex", Convert.ToHexString(faults.GarbageBeforeReply.ToArray()));
            writer.WriteNumber("garbage_count", faults.GarbageCount);
            writer.WriteEndObject();
        }

        // A rename replaces the file in one step, so the script never reads half of it.
        File.Move(temporary, controlFile, overwrite: true);
    }

    /// <summary>Removes every fault.</summary>
    public void ClearFaults() => SetFaults(new PymodbusFaults());

    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref process, null)?.KillNow();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS's temp cleaner.
        }

        return ValueTask.CompletedTask;
    }

    private static async Task<PymodbusDevice> StartAsync(
        IReadOnlyDictionary<byte, RegisterImage> units,
        PymodbusFaults? faults,
        IEnumerable<string> transportArguments,
        Action<PymodbusDevice> describe)
    {
        ServerProcess.RequireBinary(Python, "python3-pymodbus");
        if (!File.Exists(ScriptPath))
        {
            throw new InvalidOperationException($"{ScriptPath} is missing.");
        }

        var device = new PymodbusDevice(Directory.CreateTempSubdirectory("loos-edge-pymodbus-").FullName);
        try
        {
            describe(device);
            var imageFile = Path.Combine(device.directory, "image.json");
            WriteImage(imageFile, units);
            device.SetFaults(faults ?? new PymodbusFaults());
            var readyFile = Path.Combine(device.directory, "ready");
            device.process = ServerProcess.Start(
                Python,
                [ScriptPath, "--image", imageFile, "--control", device.controlFile, "--ready", readyFile, .. transportArguments],
                device.LogFile);
            await device.WaitUntilReadyAsync(readyFile, TimeSpan.FromSeconds(30));
            return device;
        }
        catch
        {
            await device.DisposeAsync();
            throw;
        }
    }

    private static void WriteImage(string path, IReadOnlyDictionary<byte, RegisterImage> units)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartObject();
        writer.WriteStartObject("units");
        foreach (var (unit, image) in units)
        {
            writer.WritePropertyName(unit.ToString(CultureInfo.InvariantCulture));
            image.WriteJson(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteUnit(Utf8JsonWriter writer, byte? unitId)
    {
        if (unitId is { } unit)
        {
            writer.WriteNumber("unit", unit);
        }
        else
        {
            writer.WriteNull("unit");
        }
    }

    private async Task WaitUntilReadyAsync(string readyFile, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process is null || process.HasExited)
            {
                throw new InvalidOperationException($"pymodbus device exited during start-up. Log tail:\n{LogTail}");
            }

            if (File.Exists(readyFile) && (Port == 0 || await AcceptsConnectionAsync()))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"pymodbus device not ready within {timeout}. Log tail:\n{LogTail}");
    }

    private async Task<bool> AcceptsConnectionAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(Host, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
