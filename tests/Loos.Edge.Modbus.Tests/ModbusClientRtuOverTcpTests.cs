using Loos.Edge.Testing;

namespace Loos.Edge.Modbus.Tests;

/// <summary>RTU frames over TCP, as to a serial gateway, against pymodbus with RTU framing on a TCP socket.</summary>
public sealed class ModbusClientRtuOverTcpTests : IAsyncLifetime
{
    private PymodbusDevice device = null!;
    private IModbusClient client = null!;

    public async Task InitializeAsync()
    {
        device = await PymodbusDevice.StartTcpAsync(ModbusPeerScenarios.Units(), rtuFraming: true);
        client = ModbusClient.CreateRtuOverTcp(new ModbusRtuOverTcpOptions
        {
            Host = device.Host,
            Port = device.Port,
            ResponseTimeout = TimeSpan.FromSeconds(1),
        });
    }

    public async Task DisposeAsync()
    {
        await client.DisposeAsync();
        await device.DisposeAsync();
    }

    [Fact]
    public Task Requests_EveryFunctionCode_RoundTrip() => ModbusPeerScenarios.EveryFunctionRoundTripAsync(client);

    [Fact]
    public async Task ReadRegistersAsync_BadCrc_InvalidReplyThenNextRequestSucceeds()
    {
        device.SetFaults(new PymodbusFaults { BadCrc = 1 });

        var registers = new ushort[2];
        var outcome = await client.ReadRegistersAsync(ModbusPeerScenarios.Unit, RegisterTable.Holding, 0, registers, CancellationToken.None);

        Assert.Equal(ModbusOutcomeKind.InvalidReply, outcome.Kind);
        Assert.Equal([0x1111, 0x2222], await ModbusPeerScenarios.ReadAsync(client, 0, 2));
    }

    [Fact]
    public async Task ReadRegistersAsync_ServerClosesMidReply_ConnectionFailedThenReconnects()
    {
        device.SetFaults(new PymodbusFaults { CloseMidReply = 1 });

        var registers = new ushort[2];
        var outcome = await client.ReadRegistersAsync(ModbusPeerScenarios.Unit, RegisterTable.Holding, 0, registers, CancellationToken.None);

        Assert.Equal(ModbusOutcomeKind.ConnectionFailed, outcome.Kind);
        Assert.Equal([0x1111, 0x2222], await ModbusPeerScenarios.ReadAsync(client, 0, 2));
    }
}
