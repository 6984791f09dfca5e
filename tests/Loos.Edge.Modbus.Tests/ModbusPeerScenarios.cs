using Loos.Edge.Testing;

namespace Loos.Edge.Modbus.Tests;

/// <summary>The register image and checks shared by the TCP, RTU and RTU-over-TCP tests against pymodbus.</summary>
internal static class ModbusPeerScenarios
{
    public const byte Unit = 1;
    public const byte OtherUnit = 2;

    public static Dictionary<byte, RegisterImage> Units() => new()
    {
        [Unit] = new RegisterImage()
            .SetRegisters(0, 0x1111, 0x2222, 0x3333, 0x4444)
            .SetRegisters(200, 0x0200, 0x0201)
            .SetRegisters(300, 0x0300, 0x0301)
            .SetRegisters(400, 0x0400, 0x0401)
            .SetCoils(0, true, false, true, true, false, false, false, false, true)
            .SetDiscreteInputs(0, false, true, true),
        [OtherUnit] = new RegisterImage().SetRegisters(0, 0x2001, 0x2002),
    };

    public static async Task<ushort[]> ReadAsync(IModbusClient client, ushort address, int count, byte unit = Unit, ModbusOutcomeKind expected = ModbusOutcomeKind.Success)
    {
        var registers = new ushort[count];
        var outcome = await client.ReadRegistersAsync(unit, RegisterTable.Holding, address, registers, CancellationToken.None);
        Assert.True(outcome.Kind == expected, $"expected {expected}, got {outcome}");
        return registers;
    }

    /// <summary>Every function code against the device, checked by reading back what was written.</summary>
    public static async Task EveryFunctionRoundTripAsync(IModbusClient client)
    {
        var cancel = CancellationToken.None;

        var holding = new ushort[4];
        Assert.Equal(ModbusOutcome.Success, await client.ReadRegistersAsync(Unit, RegisterTable.Holding, 0, holding, cancel));
        Assert.Equal([0x1111, 0x2222, 0x3333, 0x4444], holding);

        var input = new ushort[2];
        Assert.Equal(ModbusOutcome.Success, await client.ReadRegistersAsync(Unit, RegisterTable.Input, 1, input, cancel));
        Assert.Equal([0x2222, 0x3333], input);

        var coils = new bool[9];
        Assert.Equal(ModbusOutcome.Success, await client.ReadBitsAsync(Unit, BitTable.Coils, 0, coils, cancel));
        Assert.Equal([true, false, true, true, false, false, false, false, true], coils);

        var discrete = new bool[3];
        Assert.Equal(ModbusOutcome.Success, await client.ReadBitsAsync(Unit, BitTable.DiscreteInputs, 0, discrete, cancel));
        Assert.Equal([false, true, true], discrete);

        Assert.Equal(ModbusOutcome.Success, await client.WriteCoilsAsync(Unit, 20, new[] { true }, cancel)); // Function 5.
        Assert.Equal(ModbusOutcome.Success, await client.WriteCoilsAsync(Unit, 30, new[] { true, true, false, true }, cancel)); // Function 15.
        var written = new bool[4];
        Assert.Equal(ModbusOutcome.Success, await client.ReadBitsAsync(Unit, BitTable.Coils, 30, written, cancel));
        Assert.Equal([true, true, false, true], written);
        var single = new bool[1];
        Assert.Equal(ModbusOutcome.Success, await client.ReadBitsAsync(Unit, BitTable.Coils, 20, single, cancel));
        Assert.True(single[0]);

        Assert.Equal(ModbusOutcome.Success, await client.WriteRegistersAsync(Unit, 1000, new ushort[] { 0xBEEF }, cancel)); // Function 6.
        Assert.Equal(ModbusOutcome.Success, await client.WriteRegistersAsync(Unit, 1001, new ushort[] { 1, 2, 3 }, cancel)); // Function 16.
        Assert.Equal([0xBEEF, 1, 2, 3], await ReadAsync(client, 1000, 4));

        var readBack = new ushort[4];
        var outcome = await client.ReadWriteRegistersAsync(Unit, 1000, readBack, 1002, new ushort[] { 0xAAAA, 0xBBBB }, cancel); // Function 23.
        Assert.True(outcome.IsSuccess, outcome.ToString());
        Assert.Equal([0xBEEF, 1, 0xAAAA, 0xBBBB], readBack); // §6.17: the write is performed before the read.
    }

    public static async Task ExceptionReplyAsync(PymodbusDevice device, IModbusClient client)
    {
        device.SetFaults(new PymodbusFaults { Exceptions = [new PymodbusExceptionRange(300, 301, 2)] });
        var registers = new ushort[2];

        var outcome = await client.ReadRegistersAsync(Unit, RegisterTable.Holding, 300, registers, CancellationToken.None);

        Assert.Equal(ModbusOutcomeKind.DeviceException, outcome.Kind);
        Assert.Equal(2, outcome.ExceptionCode);
        Assert.Contains("illegal data address", outcome.ToString(), StringComparison.Ordinal);
        Assert.Equal([0x0200, 0x0201], await ReadAsync(client, 200, 2));
    }

    public static async Task SilentUnitAsync(PymodbusDevice device, IModbusClient client)
    {
        device.SetFaults(new PymodbusFaults { SilentUnits = [OtherUnit] });

        await ReadAsync(client, 0, 2, OtherUnit, ModbusOutcomeKind.Timeout);

        Assert.Equal([0x1111, 0x2222], await ReadAsync(client, 0, 2));
    }

    /// <summary>The reply to address 200 comes after the client gave up; the requests after it must get their own values.</summary>
    public static async Task LateReplyAsync(PymodbusDevice device, IModbusClient client, TimeSpan responseTimeout)
    {
        var delay = responseTimeout * 4; // Far beyond the timeout, even on a loaded machine.
        device.SetFaults(new PymodbusFaults { Delays = [new PymodbusReplyDelay(200, 201, delay, Count: 1)] });

        await ReadAsync(client, 200, 2, expected: ModbusOutcomeKind.Timeout);
        Assert.Equal([0x0300, 0x0301], await ReadAsync(client, 300, 2));

        // By now the late reply (0x0200 0x0201, same length) has arrived.
        await Task.Delay(delay);
        Assert.Equal([0x0400, 0x0401], await ReadAsync(client, 400, 2));
        Assert.Equal([0x0300, 0x0301], await ReadAsync(client, 300, 2));
    }
}
