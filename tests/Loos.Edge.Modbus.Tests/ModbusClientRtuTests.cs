using System.IO.Ports;
using Loos.Edge.Testing;

namespace Loos.Edge.Modbus.Tests;

/// <summary>The RTU master on one end of a socat pseudo-terminal pair, Debian's pymodbus on the other.</summary>
public sealed class ModbusClientRtuTests : IAsyncLifetime
{
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromMilliseconds(500);

    private SerialPortPair pair = null!;
    private PymodbusDevice device = null!;
    private IModbusClient client = null!;

    public async Task InitializeAsync()
    {
        pair = await SerialPortPair.StartAsync();
        device = await PymodbusDevice.StartRtuAsync(pair.DevicePath, ModbusPeerScenarios.Units());

        // Pseudo-terminals refuse parity; a real line keeps the Even default.
        client = ModbusClient.CreateRtu(new ModbusSerialOptions
        {
            DevicePath = pair.GatewayPath,
            Parity = Parity.None,
            StopBits = StopBits.Two,
            ResponseTimeout = ResponseTimeout,
        });
    }

    public async Task DisposeAsync()
    {
        await client.DisposeAsync();
        await device.DisposeAsync();
        await pair.DisposeAsync();
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
    public async Task ReadRegistersAsync_BadCrc_InvalidReplyThenNextRequestSucceeds()
    {
        device.SetFaults(new PymodbusFaults { BadCrc = 1 });

        var registers = new ushort[2];
        var outcome = await client.ReadRegistersAsync(ModbusPeerScenarios.Unit, RegisterTable.Holding, 0, registers, CancellationToken.None);

        Assert.Equal(ModbusOutcomeKind.InvalidReply, outcome.Kind);
        Assert.Contains("CRC mismatch", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal([0x1111, 0x2222], await ModbusPeerScenarios.ReadAsync(client, 0, 2));
    }

    [Fact]
    public async Task ReadRegistersAsync_GarbageBeforeReply_ResynchronisesOnTheReply()
    {
        // The garbage starts with the unit id and function, as a misleading half frame would.
        device.SetFaults(new PymodbusFaults { GarbageBeforeReply = [0x01, 0x03, 0xFF, 0x00, 0xA5], GarbageCount = 1 });

        Assert.Equal([0x1111, 0x2222], await ModbusPeerScenarios.ReadAsync(client, 0, 2));
        Assert.Equal([0x3333, 0x4444], await ModbusPeerScenarios.ReadAsync(client, 2, 2));
    }

    [Fact]
    public async Task ReadRegistersAsync_HalfFrame_InvalidReplyThenNextRequestSucceeds()
    {
        device.SetFaults(new PymodbusFaults { HalfFrame = 1 });

        var registers = new ushort[2];
        var outcome = await client.ReadRegistersAsync(ModbusPeerScenarios.Unit, RegisterTable.Holding, 0, registers, CancellationToken.None);

        Assert.Equal(ModbusOutcomeKind.InvalidReply, outcome.Kind);
        Assert.Contains("incomplete frame", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal([0x1111, 0x2222], await ModbusPeerScenarios.ReadAsync(client, 0, 2));
    }

    [Fact]
    public async Task ReadRegistersAsync_NoSuchDevice_ConnectionFailed()
    {
        await using var nowhere = ModbusClient.CreateRtu(new ModbusSerialOptions { DevicePath = Path.Combine(pair.Directory, "missing") });

        var outcome = await nowhere.ReadRegistersAsync(1, RegisterTable.Holding, 0, new ushort[1], CancellationToken.None);

        Assert.Equal(ModbusOutcomeKind.ConnectionFailed, outcome.Kind);
    }

    [Fact]
    public async Task ReadRegistersAsync_BroadcastUnit_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await client.ReadRegistersAsync(0, RegisterTable.Holding, 0, new ushort[1], CancellationToken.None));
    }
}
