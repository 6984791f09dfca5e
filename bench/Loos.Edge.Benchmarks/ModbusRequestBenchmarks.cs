using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Loos.Edge.Modbus;
using Loos.Edge.Modbus.Protocol;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// Reading 100 holding registers from Debian's pymodbus 3.0 (python3-pymodbus) on TCP loopback, with MBAP framing and
/// with RTU frames over TCP: requests per second and allocations per request. The request/reply codec alone shows the
/// allocation budget of the framing (none). The device is <c>tests/Loos.Edge.Testing/pymodbus_device.py</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class ModbusRequestBenchmarks
{
    private const int RegisterCount = 100;

    private readonly ushort[] registers = new ushort[RegisterCount];
    private readonly byte[] requestPdu = new byte[ModbusPdu.MaxLength];
    private readonly byte[] replyPdu = new byte[2 + (2 * RegisterCount)];
    private readonly List<(Process Process, string Directory)> devices = [];
    private IModbusClient tcpClient = null!;
    private IModbusClient rtuOverTcpClient = null!;

    [GlobalSetup]
    public void Setup()
    {
        var tcpPort = StartDevice(rtuFraming: false);
        var rtuPort = StartDevice(rtuFraming: true);
        tcpClient = ModbusClient.CreateTcp(new ModbusTcpOptions { Host = "127.0.0.1", Port = tcpPort });
        rtuOverTcpClient = ModbusClient.CreateRtuOverTcp(new ModbusRtuOverTcpOptions { Host = "127.0.0.1", Port = rtuPort });

        // A reply as the device would send it, for the codec benchmark.
        replyPdu[0] = 3;
        replyPdu[1] = 2 * RegisterCount;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        tcpClient.DisposeAsync().AsTask().GetAwaiter().GetResult();
        rtuOverTcpClient.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var (process, directory) in devices)
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Benchmark(Baseline = true, Description = "TCP (MBAP): read 100 holding registers")]
    public async Task<ushort> ReadTcp()
    {
        var outcome = await tcpClient.ReadRegistersAsync(1, RegisterTable.Holding, 0, registers, CancellationToken.None);
        return outcome.IsSuccess ? registers[99] : throw new InvalidOperationException(outcome.ToString());
    }

    [Benchmark(Description = "RTU over TCP: read 100 holding registers")]
    public async Task<ushort> ReadRtuOverTcp()
    {
        var outcome = await rtuOverTcpClient.ReadRegistersAsync(1, RegisterTable.Holding, 0, registers, CancellationToken.None);
        return outcome.IsSuccess ? registers[99] : throw new InvalidOperationException(outcome.ToString());
    }

    [Benchmark(Description = "Codec only: encode request, check and decode reply, CRC of both")]
    public ushort Codec()
    {
        var length = ModbusPdu.EncodeRead(requestPdu, ModbusPdu.ReadHoldingRegisters, 0, RegisterCount);
        var outcome = ModbusPdu.CheckReply(requestPdu.AsSpan(0, length), replyPdu);
        ModbusPdu.CopyRegisters(replyPdu, registers);
        return (ushort)(Crc16.Compute(requestPdu.AsSpan(0, length)) ^ Crc16.Compute(replyPdu) ^ (outcome.IsSuccess ? registers[0] : 1));
    }

    private int StartDevice(bool rtuFraming)
    {
        var script = FindScript();
        var directory = Directory.CreateTempSubdirectory("loos-edge-bench-pymodbus-").FullName;
        var words = string.Join(',', Enumerable.Range(0, RegisterCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(directory, "image.json"), "{\"units\": {\"1\": {\"registers\": {\"0\": [" + words + "]}}}}");
        File.WriteAllText(Path.Combine(directory, "control.json"), "{}");
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { script, "--image", Path.Combine(directory, "image.json"), "--control", Path.Combine(directory, "control.json"), "--ready", Path.Combine(directory, "ready"), "--tcp", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        if (rtuFraming)
        {
            info.ArgumentList.Add("--rtu-framing");
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start /usr/bin/python3 (python3-pymodbus).");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        devices.Add((process, directory));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(Path.Combine(directory, "ready")))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("pymodbus did not start: apt-get install -y python3-pymodbus");
            }

            Thread.Sleep(50);
        }

        return port;
    }

    private static string FindScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Loos.Edge.Testing", "pymodbus_device.py");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Loos.Edge.Testing/pymodbus_device.py not found above " + AppContext.BaseDirectory);
    }
}
