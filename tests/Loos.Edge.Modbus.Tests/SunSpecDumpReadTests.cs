using System.IO.Ports;
using Loos.Edge.Testing;

namespace Loos.Edge.Modbus.Tests;

/// <summary>The corpus' SunSpec register dumps served by pymodbus come back word for word through the master.</summary>
public sealed class SunSpecDumpReadTests
{
    private const string DevicesFolder = "sunspec/devices";

    [CorpusFact(DevicesFolder)]
    public async Task ReadRegistersAsync_EveryDumpOverTcp_ReturnsEveryWord()
    {
        foreach (var dump in Dumps())
        {
            var image = RegisterImage.LoadSunSpecDump(dump);
            await using var device = await PymodbusDevice.StartTcpAsync(new Dictionary<byte, RegisterImage> { [126] = image });
            await using var client = ModbusClient.CreateTcp(new ModbusTcpOptions { Host = device.Host, Port = device.Port });

            await AssertReadsWholeImageAsync(client, image, 126, Path.GetFileName(dump));
        }
    }

    [CorpusFact(DevicesFolder)]
    public async Task ReadRegistersAsync_SmaDumpOverRtu_ReturnsEveryWord()
    {
        var dump = Path.Combine(RepositoryPaths.CorpusFolder(DevicesFolder)!, "sma_sb3.6-1av-41_fw4.01.15.json");
        var image = RegisterImage.LoadSunSpecDump(dump);
        await using var pair = await SerialPortPair.StartAsync();
        await using var device = await PymodbusDevice.StartRtuAsync(pair.DevicePath, new Dictionary<byte, RegisterImage> { [3] = image });
        await using var client = ModbusClient.CreateRtu(new ModbusSerialOptions { DevicePath = pair.GatewayPath, Parity = Parity.None, StopBits = StopBits.Two });

        await AssertReadsWholeImageAsync(client, image, 3, Path.GetFileName(dump));
    }

    private static IEnumerable<string> Dumps() =>
        Directory.GetFiles(RepositoryPaths.CorpusFolder(DevicesFolder)!, "*.json").Order(StringComparer.Ordinal);

    private static async Task AssertReadsWholeImageAsync(IModbusClient client, RegisterImage image, byte unit, string name)
    {
        var first = image.Registers.Keys.First();
        var count = image.Registers.Count;
        var read = new ushort[count];

        // 125 registers per request, the most function 3 allows (MODBUS Application Protocol v1.1b3 §6.3).
        for (var offset = 0; offset < count; offset += 125)
        {
            var block = read.AsMemory(offset, Math.Min(125, count - offset));
            var outcome = await client.ReadRegistersAsync(unit, RegisterTable.Holding, (ushort)(first + offset), block, CancellationToken.None);
            Assert.True(outcome.IsSuccess, $"{name} at {first + offset}: {outcome}");
        }

        Assert.Equal(image.GetRegisters(first, count), read);
    }
}
