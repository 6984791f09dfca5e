using System.IO.Ports;
using Loos.Edge.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Modbus.Tests;

/// <summary>The quiet time between a reply and the next request, kept on the injected clock.</summary>
public sealed class ModbusClientTimingTests
{
    private static readonly TimeSpan QuietTime = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReadRegistersAsync_TcpInterRequestQuietTime_NextRequestWaitsForTheClock()
    {
        await using var device = await PymodbusDevice.StartTcpAsync(ModbusPeerScenarios.Units());
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var client = ModbusClient.CreateTcp(new ModbusTcpOptions { Host = device.Host, Port = device.Port, InterRequestQuietTime = QuietTime }, timeProvider: clock);

        await AssertSecondRequestWaitsForQuietTimeAsync(client, clock);
    }

    [Fact]
    public async Task ReadRegistersAsync_RtuInterRequestQuietTime_NextRequestWaitsForTheClock()
    {
        await using var pair = await SerialPortPair.StartAsync();
        await using var device = await PymodbusDevice.StartRtuAsync(pair.DevicePath, ModbusPeerScenarios.Units());
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var client = ModbusClient.CreateRtu(
            new ModbusSerialOptions { DevicePath = pair.GatewayPath, Parity = Parity.None, StopBits = StopBits.Two, InterRequestQuietTime = QuietTime },
            timeProvider: clock);

        await AssertSecondRequestWaitsForQuietTimeAsync(client, clock);
    }

    private static async Task AssertSecondRequestWaitsForQuietTimeAsync(IModbusClient client, FakeTimeProvider clock)
    {
        Assert.Equal([0x1111, 0x2222], await ModbusPeerScenarios.ReadAsync(client, 0, 2));

        var registers = new ushort[2];
        var second = client.ReadRegistersAsync(ModbusPeerScenarios.Unit, RegisterTable.Holding, 2, registers, CancellationToken.None).AsTask();
        await Task.WhenAny(second, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(second.IsCompleted, "the second request did not wait for the quiet time");

        // The quiet time comes on top of the 3.5-character silence after the reply (a few milliseconds at 9600 baud).
        clock.Advance(QuietTime + TimeSpan.FromSeconds(1));
        var outcome = await second.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(outcome.IsSuccess, outcome.ToString());
        Assert.Equal([0x3333, 0x4444], registers);
    }
}
