using Loos.Edge.Testing;

namespace Loos.Edge.Modbus.Tests;

/// <summary>The MBAP master against Debian's pymodbus on 127.0.0.1.</summary>
public sealed class ModbusClientTcpTests : IAsyncLifetime
{
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromMilliseconds(500);

    private PymodbusDevice device = null!;
    private IModbusClient client = null!;

    public async Task InitializeAsync()
    {
        device = await PymodbusDevice.StartTcpAsync(ModbusPeerScenarios.Units());
        client = ModbusClient.CreateTcp(new ModbusTcpOptions { Host = device.Host, Port = device.Port, ResponseTimeout = ResponseTimeout });
    }

    public async Task DisposeAsync()
    {
        await client.DisposeAsync();
        await device.DisposeAsync();
    }

    [Fact]
    public Task Requests_EveryFunctionCode_RoundTrip() => ModbusPeerScenarios.EveryFunctionRoundTripAsync(client);

    [Fact]
    public Task ReadRegistersAsync_ExceptionReply_IsDeviceExceptionCode2() => ModbusPeerScenarios.ExceptionReplyAsync(device, client);

    [Fact]
    public Task ReadRegistersAsync_UnitNeverAnswers_TimesOutAndOtherUnitAnswers() => ModbusPeerScenarios.SilentUnitAsync(device, client);

    [Fact]
    public Task ReadRegistersAsync_LateReplyAfterTimeout_NextRequestsGetTheirOwnReplies() =>
        ModbusPeerScenarios.LateReplyAsync(device, client, ResponseTimeout);

    [Fact]
    public async Task ReadRegistersAsync_ServerClosesMidReply_ConnectionFailedThenReconnects()
    {
        device.SetFaults(new PymodbusFaults { CloseMidReply = 1 });

        var registers = new ushort[2];
        var outcome = await client.ReadRegistersAsync(ModbusPeerScenarios.Unit, RegisterTable.Holding, 0, registers, CancellationToken.None);

        Assert.Equal(ModbusOutcomeKind.ConnectionFailed, outcome.Kind);
        Assert.Contains("mid-reply", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal([0x1111, 0x2222], await ModbusPeerScenarios.ReadAsync(client, 0, 2));
    }

    [Fact]
    public async Task ReadRegistersAsync_HalfFrameThenSilence_TimesOutThenNextRequestSucceeds()
    {
        device.SetFaults(new PymodbusFaults { HalfFrame = 1 });

        await ModbusPeerScenarios.ReadAsync(client, 0, 2, expected: ModbusOutcomeKind.Timeout);

        Assert.Equal([0x1111, 0x2222], await ModbusPeerScenarios.ReadAsync(client, 0, 2));
    }

    [Fact]
    public async Task ReadRegistersAsync_NothingListening_ConnectionFailed()
    {
        await using var nowhere = ModbusClient.CreateTcp(new ModbusTcpOptions { Host = "127.0.0.1", Port = FreePort.Next() });

        var outcome = await nowhere.ReadRegistersAsync(1, RegisterTable.Holding, 0, new ushort[1], CancellationToken.None);

        Assert.Equal(ModbusOutcomeKind.ConnectionFailed, outcome.Kind);
        Assert.Contains("could not connect", outcome.Detail, StringComparison.Ordinal);
    }
}
