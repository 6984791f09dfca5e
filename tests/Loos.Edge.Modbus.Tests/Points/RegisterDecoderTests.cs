using Loos.Edge.Modbus.Points;

namespace Loos.Edge.Modbus.Tests.Points;

public sealed class RegisterDecoderTests
{
    // f32 123.456 is 0x42F6E979; each order puts those bytes on the wire differently (see WordOrder).
    [Theory]
    [InlineData(WordOrder.ABCD, 0x42F6, 0xE979)]
    [InlineData(WordOrder.CDAB, 0xE979, 0x42F6)]
    [InlineData(WordOrder.BADC, 0xF642, 0x79E9)]
    [InlineData(WordOrder.DCBA, 0x79E9, 0xF642)]
    public void Decode_F32InEachOrder_Returns123456(WordOrder order, int first, int second)
    {
        var value = RegisterDecoder.Decode([(ushort)first, (ushort)second], PointType.F32, order);

        Assert.Equal(123.456f, (float)value);
    }

    // u32 0x12345678 = 305419896; i32 0xFFFFFFFE = -2.
    [Theory]
    [InlineData(WordOrder.ABCD, 0x1234, 0x5678)]
    [InlineData(WordOrder.CDAB, 0x5678, 0x1234)]
    [InlineData(WordOrder.BADC, 0x3412, 0x7856)]
    [InlineData(WordOrder.DCBA, 0x7856, 0x3412)]
    public void Decode_U32AndI32InEachOrder_ReturnKnownValues(WordOrder order, int first, int second)
    {
        Assert.Equal(305419896d, RegisterDecoder.Decode([(ushort)first, (ushort)second], PointType.U32, order));
        Assert.Equal(305419896d, RegisterDecoder.Decode([(ushort)first, (ushort)second], PointType.I32, order));
    }

    [Theory]
    [InlineData(WordOrder.ABCD, 0xFFFF, 0xFFFE)]
    [InlineData(WordOrder.CDAB, 0xFFFE, 0xFFFF)]
    [InlineData(WordOrder.BADC, 0xFFFF, 0xFEFF)]
    [InlineData(WordOrder.DCBA, 0xFEFF, 0xFFFF)]
    public void Decode_NegativeI32InEachOrder_ReturnsMinusTwo(WordOrder order, int first, int second)
    {
        Assert.Equal(-2d, RegisterDecoder.Decode([(ushort)first, (ushort)second], PointType.I32, order));
        Assert.Equal(4294967294d, RegisterDecoder.Decode([(ushort)first, (ushort)second], PointType.U32, order));
    }

    // 0xFF38 is -200 as i16 and 65336 as u16; byte-swapping orders see 0x38FF.
    [Theory]
    [InlineData(WordOrder.ABCD, 0xFF38)]
    [InlineData(WordOrder.CDAB, 0xFF38)]
    [InlineData(WordOrder.BADC, 0x38FF)]
    [InlineData(WordOrder.DCBA, 0x38FF)]
    public void Decode_SixteenBitInEachOrder_ReturnsKnownValues(WordOrder order, int register)
    {
        Assert.Equal(-200d, RegisterDecoder.Decode([(ushort)register], PointType.I16, order));
        Assert.Equal(65336d, RegisterDecoder.Decode([(ushort)register], PointType.U16, order));
    }

    // u64 0x0102030405060708 = 72623859790382856; i64 0xFFFFFFFFFFFFFF85 = -123.
    [Theory]
    [InlineData(WordOrder.ABCD, new[] { 0x0102, 0x0304, 0x0506, 0x0708 }, new[] { 0xFFFF, 0xFFFF, 0xFFFF, 0xFF85 })]
    [InlineData(WordOrder.CDAB, new[] { 0x0708, 0x0506, 0x0304, 0x0102 }, new[] { 0xFF85, 0xFFFF, 0xFFFF, 0xFFFF })]
    [InlineData(WordOrder.BADC, new[] { 0x0201, 0x0403, 0x0605, 0x0807 }, new[] { 0xFFFF, 0xFFFF, 0xFFFF, 0x85FF })]
    [InlineData(WordOrder.DCBA, new[] { 0x0807, 0x0605, 0x0403, 0x0201 }, new[] { 0x85FF, 0xFFFF, 0xFFFF, 0xFFFF })]
    public void Decode_SixtyFourBitIntegersInEachOrder_ReturnKnownValues(WordOrder order, int[] unsignedRegisters, int[] signedRegisters)
    {
        Assert.Equal(72623859790382856d, RegisterDecoder.Decode(ToRegisters(unsignedRegisters), PointType.U64, order));
        Assert.Equal(-123d, RegisterDecoder.Decode(ToRegisters(signedRegisters), PointType.I64, order));
    }

    // f64 123.456 is 0x405EDD2F1A9FBE77.
    [Theory]
    [InlineData(WordOrder.ABCD, new[] { 0x405E, 0xDD2F, 0x1A9F, 0xBE77 })]
    [InlineData(WordOrder.CDAB, new[] { 0xBE77, 0x1A9F, 0xDD2F, 0x405E })]
    [InlineData(WordOrder.BADC, new[] { 0x5E40, 0x2FDD, 0x9F1A, 0x77BE })]
    [InlineData(WordOrder.DCBA, new[] { 0x77BE, 0x9F1A, 0x2FDD, 0x5E40 })]
    public void Decode_F64InEachOrder_Returns123456(WordOrder order, int[] registers)
    {
        Assert.Equal(123.456d, RegisterDecoder.Decode(ToRegisters(registers), PointType.F64, order));
    }

    [Fact]
    public void Decode_LongerSpan_ReadsOnlyTheFirstRegistersOfTheType()
    {
        Assert.Equal(4660d, RegisterDecoder.Decode([0x1234, 0x5678], PointType.U16, WordOrder.ABCD));
    }

    [Fact]
    public void Decode_TooFewRegisters_Throws()
    {
        Assert.Throws<ArgumentException>(() => RegisterDecoder.Decode([0x42F6], PointType.F32, WordOrder.ABCD));
    }

    [Theory]
    [InlineData(PointType.String)]
    [InlineData(PointType.Bit)]
    public void Decode_NonNumericType_Throws(PointType type)
    {
        Assert.Throws<ArgumentException>(() => RegisterDecoder.Decode([0x4142, 0x4344], type, WordOrder.ABCD));
    }

    [Fact]
    public void DecodeString_NulPadded_StopsAtTheFirstNul()
    {
        // "SMA" then NUL padding, high byte first as SunSpec sends it.
        Assert.Equal("SMA", RegisterDecoder.DecodeString([0x534D, 0x4100, 0x0000, 0x0000]));
    }

    [Fact]
    public void DecodeString_SpacePadded_TrimsTrailingSpaces()
    {
        Assert.Equal("SDM630", RegisterDecoder.DecodeString([0x5344, 0x4D36, 0x3330, 0x2020]));
    }

    [Theory]
    [InlineData(WordOrder.BADC)]
    [InlineData(WordOrder.DCBA)]
    public void DecodeString_ByteSwappedOrder_SwapsTheCharactersOfEachRegister(WordOrder order)
    {
        Assert.Equal("SDM630", RegisterDecoder.DecodeString([0x4453, 0x364D, 0x3033], order));
    }

    [Theory]
    [InlineData("u16", PointType.U16, 0)]
    [InlineData("I32", PointType.I32, 0)]
    [InlineData("f64", PointType.F64, 0)]
    [InlineData("bit", PointType.Bit, 0)]
    [InlineData("string(16)", PointType.String, 16)]
    public void TryParseType_KnownSpelling_ReturnsTheType(string text, PointType expected, int expectedLength)
    {
        Assert.True(PointTypeNames.TryParseType(text, out var type, out var length));
        Assert.Equal(expected, type);
        Assert.Equal(expectedLength, length);
    }

    [Theory]
    [InlineData("f16")]
    [InlineData("string(0)")]
    [InlineData("string(126)")]
    [InlineData("string")]
    [InlineData("")]
    public void TryParseType_UnknownSpelling_ReturnsFalse(string text)
    {
        Assert.False(PointTypeNames.TryParseType(text, out _, out _));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("ABDC")]
    [InlineData("")]
    public void TryParseOrder_UnknownSpelling_ReturnsFalse(string text)
    {
        Assert.False(PointTypeNames.TryParseOrder(text, out _));
    }

    private static ushort[] ToRegisters(int[] values) => [.. values.Select(v => (ushort)v)];
}
