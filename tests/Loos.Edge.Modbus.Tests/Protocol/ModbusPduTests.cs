using Loos.Edge.Modbus.Protocol;

namespace Loos.Edge.Modbus.Tests.Protocol;

public sealed class ModbusPduTests
{
    private readonly byte[] pdu = new byte[ModbusPdu.MaxLength];

    // Request examples from MODBUS Application Protocol v1.1b3 §6.1–6.17.
    [Theory]
    [InlineData(1, 19, 19, "01001300 13")]
    [InlineData(2, 196, 22, "0200C40016")]
    [InlineData(3, 107, 3, "03006B0003")]
    [InlineData(4, 8, 1, "0400080001")]
    public void EncodeRead_SpecExamples_MatchSpecBytes(byte function, ushort address, int quantity, string expectedHex)
    {
        var length = ModbusPdu.EncodeRead(pdu, function, address, quantity);

        Assert.Equal(expectedHex.Replace(" ", string.Empty), Convert.ToHexString(pdu, 0, length));
    }

    [Fact]
    public void EncodeWriteSingleCoil_On_IsFF00()
    {
        var length = ModbusPdu.EncodeWriteSingleCoil(pdu, 172, true);

        Assert.Equal("0500ACFF00", Convert.ToHexString(pdu, 0, length));
    }

    [Fact]
    public void EncodeWriteSingleRegister_SpecExample_MatchesSpecBytes()
    {
        var length = ModbusPdu.EncodeWriteSingleRegister(pdu, 1, 3);

        Assert.Equal("0600010003", Convert.ToHexString(pdu, 0, length));
    }

    [Fact]
    public void EncodeWriteMultipleCoils_SpecExample_PacksLowBitFirst()
    {
        // §6.11: coils 20–29 = 1100 1101 01 → CD 01.
        bool[] coils = [true, false, true, true, false, false, true, true, true, false];

        var length = ModbusPdu.EncodeWriteMultipleCoils(pdu, 19, coils);

        Assert.Equal("0F0013000A02CD01", Convert.ToHexString(pdu, 0, length));
    }

    [Fact]
    public void EncodeWriteMultipleRegisters_SpecExample_MatchesSpecBytes()
    {
        var length = ModbusPdu.EncodeWriteMultipleRegisters(pdu, 1, [0x000A, 0x0102]);

        Assert.Equal("100001000204000A0102", Convert.ToHexString(pdu, 0, length));
    }

    [Fact]
    public void EncodeReadWriteMultipleRegisters_SpecExample_MatchesSpecBytes()
    {
        // §6.17: read 6 from 3 (0x0003), write 3 from 14 (0x000E): 00FF 00FF 00FF.
        var length = ModbusPdu.EncodeReadWriteMultipleRegisters(pdu, 3, 6, 14, [0x00FF, 0x00FF, 0x00FF]);

        Assert.Equal("1700030006000E00030600FF00FF00FF", Convert.ToHexString(pdu, 0, length));
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(3, 126)]
    [InlineData(1, 2001)]
    public void EncodeRead_QuantityOutOfSpecRange_Throws(byte function, int quantity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeRead(pdu, function, 0, quantity));
    }

    [Fact]
    public void EncodeRead_RunsPastLastAddress_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeRead(pdu, 3, 65535, 2));
    }

    [Fact]
    public void EncodeWriteMultipleRegisters_124Values_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeWriteMultipleRegisters(pdu, 0, new ushort[124]));
    }

    [Fact]
    public void EncodeWriteMultipleCoils_1969Values_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeWriteMultipleCoils(pdu, 0, new bool[1969]));
    }

    [Fact]
    public void EncodeReadWriteMultipleRegisters_122WriteValues_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeReadWriteMultipleRegisters(pdu, 0, 1, 0, new ushort[122]));
    }

    [Fact]
    public void CheckReply_ReadRegistersSpecReply_SucceedsAndDecodes()
    {
        byte[] request = Convert.FromHexString("03006B0003");
        byte[] reply = Convert.FromHexString("0306022B00000064");

        var outcome = ModbusPdu.CheckReply(request, reply);
        var registers = new ushort[3];
        ModbusPdu.CopyRegisters(reply, registers);

        Assert.True(outcome.IsSuccess, outcome.ToString());
        Assert.Equal([0x022B, 0x0000, 0x0064], registers);
    }

    [Fact]
    public void CheckReply_ReadCoilsSpecReply_UnpacksLowBitFirst()
    {
        // §6.1: coils 20–38 → CD 6B 05.
        byte[] request = Convert.FromHexString("0100130013");
        byte[] reply = Convert.FromHexString("0103CD6B05");
        var coils = new bool[19];

        var outcome = ModbusPdu.CheckReply(request, reply);
        ModbusPdu.CopyBits(reply, coils);

        Assert.True(outcome.IsSuccess, outcome.ToString());
        Assert.Equal("1011001111010110101", string.Concat(coils.Select(c => c ? '1' : '0')));
    }

    [Fact]
    public void CheckReply_ExceptionReply_IsDeviceExceptionWithCodeAndMeaning()
    {
        var outcome = ModbusPdu.CheckReply(Convert.FromHexString("03006B0003"), Convert.FromHexString("8302"));

        Assert.Equal(ModbusOutcomeKind.DeviceException, outcome.Kind);
        Assert.Equal(2, outcome.ExceptionCode);
        Assert.Contains("illegal data address", outcome.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0406022B00000064", "function 4 in reply to function 3")]
    [InlineData("0304022B0000", "byte count 4, expected 6")]
    [InlineData("0306022B0000", "reply of 6 bytes, expected 8")]
    [InlineData("830203", "exception reply of 3 bytes")]
    [InlineData("", "empty reply")]
    public void CheckReply_MalformedReadReply_IsInvalidWithReason(string replyHex, string reason)
    {
        var outcome = ModbusPdu.CheckReply(Convert.FromHexString("03006B0003"), Convert.FromHexString(replyHex));

        Assert.Equal(ModbusOutcomeKind.InvalidReply, outcome.Kind);
        Assert.Contains(reason, outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckReply_WriteSingleRegisterEchoDiffers_IsInvalid()
    {
        var outcome = ModbusPdu.CheckReply(Convert.FromHexString("0600010003"), Convert.FromHexString("0600010004"));

        Assert.Equal(ModbusOutcomeKind.InvalidReply, outcome.Kind);
    }

    [Fact]
    public void CheckReply_WriteMultipleRegistersWrongQuantity_IsInvalid()
    {
        var outcome = ModbusPdu.CheckReply(Convert.FromHexString("100001000204000A0102"), Convert.FromHexString("1000010003"));

        Assert.Equal(ModbusOutcomeKind.InvalidReply, outcome.Kind);
    }
}
