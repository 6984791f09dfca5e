using System.IO.Ports;
using System.Net.Sockets;
using Loos.Edge.Testing;

namespace Loos.Edge.Modbus.Tests;

/// <summary>The pymodbus fixture itself, checked with hand-written frames so that it does not depend on the client under test.</summary>
public sealed class PymodbusDeviceTests
{
    // Read holding registers (function 3) of unit 1 from address 0, count 2: MODBUS Application Protocol v1.1b3 §6.3.
    private static readonly byte[] ReadTwoRegistersPdu = [0x03, 0x00, 0x00, 0x00, 0x02];

    private static Dictionary<byte, RegisterImage> Units() => new() { [1] = new RegisterImage().SetRegisters(0, 0x1234, 0xABCD) };

    [Fact]
    public async Task StartTcpAsync_MbapRequest_ServesTheImage()
    {
        await using var device = await PymodbusDevice.StartTcpAsync(Units());
        using var client = new TcpClient();
        await client.ConnectAsync(device.Host, device.Port);
        var stream = client.GetStream();
        byte[] request = [0x00, 0x07, 0x00, 0x00, 0x00, 0x06, 0x01, .. ReadTwoRegistersPdu];
        await stream.WriteAsync(request);
        var reply = new byte[13];
        await stream.ReadExactlyAsync(reply).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal([0x00, 0x07, 0x00, 0x00, 0x00, 0x07, 0x01, 0x03, 0x04, 0x12, 0x34, 0xAB, 0xCD], reply);
    }

    [Fact]
    public async Task StartRtuAsync_RtuRequestOnPseudoTerminal_ServesTheImage()
    {
        await using var pair = await SerialPortPair.StartAsync();
        await using var device = await PymodbusDevice.StartRtuAsync(pair.DevicePath, Units());
        using var port = new SerialPort(pair.GatewayPath, 9600, Parity.None, 8, StopBits.One) { ReadTimeout = 5000 };
        port.Open();

        // CRC-16/MODBUS of 01 03 00 00 00 02 is 0x0BC4, sent low byte first (Modbus over Serial Line v1.02 §2.5.1.2).
        port.Write([0x01, .. ReadTwoRegistersPdu, 0xC4, 0x0B], 0, 8);
        var reply = new byte[9];
        for (var read = 0; read < reply.Length;)
        {
            read += port.Read(reply, read, reply.Length - read);
        }

        Assert.Equal([0x01, 0x03, 0x04, 0x12, 0x34, 0xAB, 0xCD], reply[..7]);
    }

    [Fact]
    public async Task SetFaults_SilentUnit_UnitStopsAnsweringUntilCleared()
    {
        await using var device = await PymodbusDevice.StartTcpAsync(Units());
        device.SetFaults(new PymodbusFaults { SilentUnits = [1] });
        using var client = new TcpClient();
        await client.ConnectAsync(device.Host, device.Port);
        var stream = client.GetStream();
        byte[] request = [0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, .. ReadTwoRegistersPdu];
        await stream.WriteAsync(request);
        var reply = new byte[13];
        var silent = stream.ReadExactlyAsync(reply).AsTask();
        await Task.WhenAny(silent, Task.Delay(500));
        Assert.False(silent.IsCompleted, "the silent unit answered");

        device.ClearFaults();
        request[1] = 0x02;
        await stream.WriteAsync(request);
        await silent.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0x02, reply[1]);
    }

    [CorpusFact("sunspec/devices")]
    public void LoadSunSpecDump_SmaDump_PlacesSunSMarkerAtFirstAddress()
    {
        var path = Path.Combine(RepositoryPaths.CorpusFolder("sunspec/devices")!, "sma_sb3.6-1av-41_fw4.01.15.json");
        var image = RegisterImage.LoadSunSpecDump(path);

        Assert.Equal([0x5375, 0x6E53], image.GetRegisters(40000, 2));
        Assert.Equal(877, image.Registers.Count);
    }
}
