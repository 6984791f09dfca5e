using Loos.Edge.Modbus;
using Loos.Edge.Testing;

namespace Loos.Edge.SunSpec.Tests;

public sealed class ReaderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(50000)]
    public async Task ReadAsync_MarkerAtOtherBase_FindsTheMap(int baseAddress)
    {
        await using var client = new RegisterImageClient((ushort)baseAddress, ModelImage.Map(new ModelImage(1).SetText("Mn", "Fronius")));

        var result = await SunSpecReader.ReadAsync(client, 1);

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal((ushort)baseAddress, result.Device!.BaseAddress);
        Assert.Equal("Fronius", result.Device.Models.Single().Points["Mn"]);
    }

    [CorpusFact(Corpus.DevicesFolder)]
    public async Task ReadAsync_DeviceProfileLimit_NoRequestExceedsIt()
    {
        var (firstAddress, registers, _) = Corpus.LoadDump(Path.Combine(Corpus.Devices, "sma_sb3.6-1av-41_fw4.01.15.json"));
        await using var limited = new RegisterImageClient(firstAddress, registers);
        await using var unlimited = new RegisterImageClient(firstAddress, registers);

        var small = await SunSpecReader.ReadAsync(limited, 1, new SunSpecReadOptions { MaximumRegistersPerRequest = 40 });
        var large = await SunSpecReader.ReadAsync(unlimited, 1);

        Assert.True(small.IsSuccess && large.IsSuccess);
        Assert.All(limited.Reads, read => Assert.InRange(read.Count, 1, 40));
        Assert.All(unlimited.Reads, read => Assert.InRange(read.Count, 1, 125));
        Assert.Equal(SunSpecJson.Serialize(large.Device!), SunSpecJson.Serialize(small.Device!));
    }

    [CorpusFact(Corpus.DevicesFolder)]
    public async Task ReadAsync_VendorModel_ListedWithIdAddressAndLengthButNotDecoded()
    {
        var (firstAddress, registers, _) = Corpus.LoadDump(Path.Combine(Corpus.Devices, "dersec_der_simulator_700series.json"));
        await using var client = new RegisterImageClient(firstAddress, registers);

        var result = await SunSpecReader.ReadAsync(client, 1);

        var vendor = result.Device!.Models[^1];
        Assert.Equal((64412, (ushort)41147, 43, false), (vendor.Id, vendor.Address, vendor.Length, vendor.IsDecoded));
        Assert.Empty(vendor.Points);
    }

    [Fact]
    public async Task ReadAsync_ModelLongerThanTheRegisterSpace_FailsNamingTheAddress()
    {
        await using var client = new RegisterImageClient(65000, [0x5375, 0x6E53, 1, 2000]);

        var result = await SunSpecReader.ReadAsync(client, 1, new SunSpecReadOptions { BaseAddresses = [65000] });

        Assert.False(result.IsSuccess);
        Assert.Contains("model 1 at 65002 claims 2000 registers", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ChainWithoutEndModel_FailsNamingTheHeaderAddress()
    {
        var map = ModelImage.Map(new ModelImage(1));
        await using var client = new RegisterImageClient(40000, map[..^2]);

        var result = await SunSpecReader.ReadAsync(client, 1);

        Assert.False(result.IsSuccess);
        Assert.Contains("model header at 40070", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Device!.Models);
    }

    [Fact]
    public async Task ReadAsync_EndlessChainOfEmptyModels_StopsAtTheModelLimit()
    {
        var registers = new List<ushort> { 0x5375, 0x6E53 };
        for (var index = 0; index < 1000; index++)
        {
            registers.AddRange([64000, 0]);
        }

        await using var client = new RegisterImageClient(40000, registers);

        var result = await SunSpecReader.ReadAsync(client, 1, new SunSpecReadOptions { MaximumModels = 10 });

        Assert.False(result.IsSuccess);
        Assert.Contains("does not end after 10 models (next header at 40022)", result.Error, StringComparison.Ordinal);
        Assert.InRange(client.Reads.Count, 10, 12);
    }

    [Fact]
    public async Task ReadAsync_UnitNotAnswering_ReportsItAfterOneRequest()
    {
        await using var client = new RegisterImageClient(40000, ModelImage.Map()) { FailWith = new ModbusOutcome(ModbusOutcomeKind.Timeout, Detail: "no reply within 1 s") };

        var result = await SunSpecReader.ReadAsync(client, 7);

        Assert.False(result.IsSuccess);
        Assert.Null(result.Device);
        Assert.Equal(ModbusOutcomeKind.Timeout, result.Outcome!.Value.Kind);
        Assert.Contains("unit 7 at memory://image is not answering", result.Error, StringComparison.Ordinal);
        Assert.Single(client.Reads);
    }

    [Fact]
    public async Task ReadAsync_NoMarker_SaysWhereItLooked()
    {
        await using var client = new RegisterImageClient(40000, [0x1111, 0x2222]);

        var result = await SunSpecReader.ReadAsync(client, 1);

        Assert.False(result.IsSuccess);
        Assert.Contains("no SunSpec marker found at 40000/0/50000", result.Error, StringComparison.Ordinal);
        Assert.Equal([(ushort)40000, (ushort)0, (ushort)50000], client.Reads.Select(read => read.Address));
    }
}
