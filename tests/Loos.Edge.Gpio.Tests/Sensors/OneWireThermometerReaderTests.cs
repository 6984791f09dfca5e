using Loos.Edge.Gpio.Sensors;

namespace Loos.Edge.Gpio.Tests.Sensors;

public sealed class OneWireThermometerReaderTests : IDisposable
{
    private const string Bus = "w1_bus_master1";
    private const string Device = "28-0316a2795aff";

    private readonly W1Devices w1 = new();

    [Fact]
    public void Crc8_RealScratchpads_MatchTheirCrcByte()
    {
        // As a DS18B20 on a Raspberry Pi shows them: 23.125 °C, and the power-on reset scratchpad.
        Assert.Equal(0x57, W1Devices.Crc8([0x72, 0x01, 0x4b, 0x46, 0x7f, 0xff, 0x0e, 0x10]));
        Assert.Equal(0x1c, W1Devices.Crc8([0x50, 0x05, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10]));
    }

    [Theory]
    [InlineData("72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n", 23.125)]
    [InlineData("57 01 4b 46 7f ff 09 10 c7 : crc=c7 YES\n57 01 4b 46 7f ff 09 10 c7 t=21437\n", 21.437)]
    [InlineData("5e ff 4b 46 7f ff 02 10 b6 : crc=b6 YES\n5e ff 4b 46 7f ff 02 10 b6 t=-10125\n", -10.125)]
    public void TryParse_KernelText_Temperature(string text, double celsius)
    {
        Assert.True(W1SlaveText.TryParse(text, out var parsed, out var problem), problem);
        Assert.Equal(celsius, parsed);
    }

    [Fact]
    public void TryRead_SensorFile_TheTemperature()
    {
        w1.Write(Bus, Device, 21.4375);
        using var reader = new OneWireThermometerReader(w1.Root, Bus, Device);

        Assert.True(reader.TryRead(out var sample, out var problem), problem);

        Assert.Equal(21.437, sample.TemperatureCelsius);
        Assert.EndsWith("w1_slave", reader.SlaveFilePath, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_CrcNo_ProblemNamesTheCrc()
    {
        w1.WriteCrcMismatch(Bus, Device, 21.0);
        using var reader = new OneWireThermometerReader(w1.Root, Bus, Device);

        Assert.False(reader.TryRead(out var sample, out var problem));

        Assert.Contains("CRC mismatch", problem, StringComparison.Ordinal);
        Assert.EndsWith("NO)", problem, StringComparison.Ordinal);
        Assert.True(double.IsNaN(sample.TemperatureCelsius));
    }

    [Fact]
    public void TryRead_PowerOnReset85000_ProblemNamesThePowerOnValue()
    {
        w1.WritePowerOnReset(Bus, Device);
        Assert.Contains("t=85000", File.ReadAllText(w1.PathOf(Bus, Device)), StringComparison.Ordinal);
        Assert.Contains("crc=1c YES", File.ReadAllText(w1.PathOf(Bus, Device)), StringComparison.Ordinal);
        using var reader = new OneWireThermometerReader(w1.Root, Bus, Device);

        Assert.False(reader.TryRead(out _, out var problem));

        Assert.Contains("85 °C power-on reset", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_AllZeroScratchpadWithValidCrc_Problem()
    {
        w1.WriteText(Bus, Device, "00 00 00 00 00 00 00 00 00 : crc=00 YES\n00 00 00 00 00 00 00 00 00 t=0\n");
        using var reader = new OneWireThermometerReader(w1.Root, Bus, Device);

        Assert.False(reader.TryRead(out _, out var problem));

        Assert.Contains("data line held low", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_DeviceGoneThenBack_ProblemNamesThePathThenReadsAgain()
    {
        w1.Write(Bus, Device, 45.5);
        using var reader = new OneWireThermometerReader(w1.Root, Bus, Device);
        w1.Remove(Bus, Device);

        Assert.False(reader.TryRead(out _, out var problem));
        Assert.Contains(Device, problem, StringComparison.Ordinal);
        Assert.Contains("not found on the bus", problem, StringComparison.Ordinal);

        w1.Write(Bus, Device, 46.0);
        Assert.True(reader.TryRead(out var sample, out _));
        Assert.Equal(46.0, sample.TemperatureCelsius);
    }

    [Theory]
    [InlineData("")]
    [InlineData("72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n")]
    [InlineData("72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=\n")]
    public void TryParse_TruncatedText_Problem(string text)
    {
        Assert.False(W1SlaveText.TryParse(text, out var celsius, out var problem));
        Assert.NotEmpty(problem);
        Assert.True(double.IsNaN(celsius));
    }

    public void Dispose() => w1.Dispose();
}
