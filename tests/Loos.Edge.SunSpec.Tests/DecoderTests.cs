using System.Text.Json;

namespace Loos.Edge.SunSpec.Tests;

public sealed class DecoderTests
{
    private static SunSpecModel Decode(ModelImage model) => SunSpecReader.Decode(ModelImage.Map(model), 40000).Models.Single();

    [Fact]
    public void Decode_ScaledInt16_AppliesScaleFactor()
    {
        var model = Decode(new ModelImage(101).Set("W", 3680).Set("W_SF", unchecked((ushort)-1)).Set("PF", unchecked((ushort)-985)).Set("PF_SF", unchecked((ushort)-3)));

        Assert.Equal(368.0, model.Points["W"]);
        Assert.Equal(-0.985, model.Points["PF"]);
        Assert.Equal(-1.0, model.Points["W_SF"]);
    }

    [Fact]
    public void Decode_ScaleFactorNotImplemented_ScaledPointIsNotImplemented()
    {
        var model = Decode(new ModelImage(101).Set("W", 3680).Set("W_SF", 0x8000));

        Assert.Null(model.Points["W"]);
        Assert.Null(model.Points["W_SF"]);
    }

    [Theory]
    [InlineData("A", new ushort[] { 0xFFFF })]
    [InlineData("W", new ushort[] { 0x8000 })]
    [InlineData("WH", new ushort[] { 0, 0 })]
    [InlineData("St", new ushort[] { 0xFFFF })]
    [InlineData("Evt1", new ushort[] { 0xFFFF, 0xFFFF })]
    public void Decode_NotImplementedSentinel_IsNull(string point, ushort[] words)
    {
        var model = Decode(new ModelImage(101).Set(point, words));

        Assert.Null(model.Points[point]);
    }

    [Fact]
    public void Decode_Uint16At0x8000_IsAValueAsTheSpecificationSays()
    {
        var model = Decode(new ModelImage(101).Set("A", 0x8000));

        Assert.Equal(32768.0, model.Points["A"]);
    }

    [Fact]
    public void Decode_EnumAndBitfield_GiveSymbolNames()
    {
        var model = Decode(new ModelImage(101).Set("St", 4).Set("Evt1", 0x0001, 0x0081).Set("Evt2", 0, 0).Set("StVnd", 17));

        Assert.Equal("MPPT", model.Points["St"]);
        Assert.Equal(["GROUND_FAULT", "OVER_TEMP", "16"], (string[])model.Points["Evt1"]!);
        Assert.Empty((string[])model.Points["Evt2"]!);
        Assert.Equal(17.0, model.Points["StVnd"]);
    }

    [Fact]
    public void Decode_Strings_TrimmedAndAllZeroIsNotImplemented()
    {
        var model = Decode(new ModelImage(1).SetText("Mn", "SMA  ").SetText("Md", "SB3.6\0x"));

        Assert.Equal("SMA", model.Points["Mn"]);
        Assert.Equal("SB3.6", model.Points["Md"]);
        Assert.Null(model.Points["SN"]);
    }

    [Fact]
    public void Decode_Float32Model_NaNIsNotImplemented()
    {
        var watts = BitConverter.SingleToUInt32Bits(3680.5f);
        var nan = BitConverter.SingleToUInt32Bits(float.NaN);
        var model = Decode(new ModelImage(113).Set("W", (ushort)(watts >> 16), (ushort)watts).Set("Hz", (ushort)(nan >> 16), (ushort)nan));

        Assert.Equal(3680.5, model.Points["W"]);
        Assert.Null(model.Points["Hz"]);
    }

    [Fact]
    public void Decode_Eui48_FormatsTheLow48Bits()
    {
        var model = Decode(new ModelImage(11).Set("MAC", 0x0000, 0x0040, 0xADA9, 0x9576));

        Assert.Equal("00:40:AD:A9:95:76", model.Points["MAC"]);
    }

    [Fact]
    public void Decode_RepeatingGroupFillingTheModel_DecodesEveryOccurrenceWithTopLevelScaleFactors()
    {
        var model = new ModelImage(160, length: 8 + (3 * 20)).Set("DCV_SF", unchecked((ushort)-1)).Set("N", 3);
        model.Registers[2 + 8 + 20 + 10] = 3015; // module 1: DCV at offset 10 of the 20-register group

        var decoded = Decode(model);

        Assert.Equal(3, decoded.Groups.Count);
        Assert.Equal([0, 1, 2], decoded.Groups.Select(group => group.Index!.Value));
        Assert.Equal(301.5, decoded.Groups[1].Points["DCV"]);
    }

    [Fact]
    public void DescribePoints_InverterModel_GivesAddressesScaleFactorAndSeries()
    {
        var device = SunSpecReader.Decode(ModelImage.Map(new ModelImage(1), new ModelImage(103).Set("W", 1234).Set("W_SF", 1)), 40000);

        var watts = device.DescribePoints().Single(point => point.ModelId == 103 && point.PointName == "W");

        // Model 1 takes 40002..40069; model 103 starts at 40070, W is its 15th register (offset 14).
        Assert.Equal((ushort)40084, watts.RegisterAddress);
        Assert.Equal((ushort)40085, watts.ScaleFactorAddress);
        Assert.Equal(("inverter", "W", "W", 1), (watts.Measurement, watts.Field, watts.Unit, watts.RegisterCount));
        Assert.True(watts.TryDecode([1234], 1, out var value));
        Assert.Equal(12340.0, value);
        Assert.False(watts.TryDecode([1234], 0x8000, out _));
        Assert.DoesNotContain(device.DescribePoints(), point => point.Type is SunSpecPointType.ScaleFactor or SunSpecPointType.String or SunSpecPointType.Pad);
    }

    [Fact]
    public void Serialize_Device_HasTheIssueShape()
    {
        var mppt = new ModelImage(160, length: 8 + 20).Set("N", 1).Set("Evt", 0, 0x0080);
        var device = SunSpecReader.Decode(ModelImage.Map(new ModelImage(1).SetText("Mn", "SMA"), new ModelImage(101).Set("St", 4).Set("W", 3680).Set("A", 0xFFFF), mppt), 40000);

        using var json = JsonDocument.Parse(SunSpecJson.Serialize(device));

        var models = json.RootElement.GetProperty("models");
        var inverter = models[1];
        Assert.Equal((101, "inverter_single_phase", 40070), (inverter.GetProperty("id").GetInt32(), inverter.GetProperty("name").GetString(), inverter.GetProperty("address").GetInt32()));
        Assert.Equal(3680.0, inverter.GetProperty("points").GetProperty("W").GetDouble());
        Assert.Equal("MPPT", inverter.GetProperty("points").GetProperty("St").GetString());
        Assert.Equal(JsonValueKind.Null, inverter.GetProperty("points").GetProperty("A").ValueKind);
        Assert.Equal("SMA", models[0].GetProperty("points").GetProperty("Mn").GetString());
        var points = models[2].GetProperty("points");
        Assert.Equal("OVER_TEMP", points.GetProperty("Evt")[0].GetString());
        Assert.Equal(1, points.GetProperty("module").GetArrayLength());
        Assert.Equal(JsonValueKind.Object, points.GetProperty("module")[0].ValueKind);
    }
}
