using Loos.Edge.MBus;

namespace Loos.Edge.MBus.Tests;

public sealed class MBusDecoderTests
{
    // kamstrup_multical_601's header and its first two records, checksum recomputed.
    internal static byte[] Frame(params byte[] userData)
    {
        byte[] header = [0x08, 0x11, 0x72, 0x17, 0x58, 0x85, 0x06, 0x2D, 0x2C, 0x08, 0x04, 0x04, 0x00, 0x00, 0x00];
        return Long([.. header, .. userData]);
    }

    internal static byte[] Long(byte[] body)
    {
        byte sum = 0;
        foreach (var value in body)
        {
            sum += value;
        }

        return [0x68, (byte)body.Length, (byte)body.Length, 0x68, .. body, sum, 0x16];
    }

    [Fact]
    public void Decode_KamstrupHeader_GivesManufacturerIdentificationAndMedium()
    {
        var telegram = MBusDecoder.Decode(Frame(0x04, 0x06, 0xE7, 0x91, 0x00, 0x00));

        Assert.Equal("KAM", telegram.Header.Manufacturer);
        Assert.Equal("06855817", telegram.Header.Identification);
        Assert.Equal((byte)8, telegram.Header.Version);
        Assert.Equal("heat (outlet)", telegram.Header.Medium);
        Assert.Equal((byte)4, telegram.Header.AccessNumber);
        Assert.Equal((byte)0, telegram.Header.Status);
    }

    [Fact]
    public void Decode_EnergyInKilowattHours_NormalisedToWattHours()
    {
        var record = Assert.Single(MBusDecoder.Decode(Frame(0x04, 0x06, 0xE7, 0x91, 0x00, 0x00)).Records);

        Assert.Equal("energy", record.Quantity);
        Assert.Equal("Wh", record.Unit);
        Assert.Equal(37_351_000d, record.Value);
        Assert.Equal(MBusFunction.Instantaneous, record.Function);
    }

    [Fact]
    public void Decode_EnergyInGigajoules_NormalisedToWattHours()
    {
        // VIF 0x0E: 10^6 J; BCD8 value 12 → 12 MJ = 3333.33 Wh.
        var record = Assert.Single(MBusDecoder.Decode(Frame(0x0C, 0x0E, 0x12, 0x00, 0x00, 0x00)).Records);

        Assert.Equal(12e6 / 3600, record.Value!.Value, 6);
        Assert.Equal("Wh", record.Unit);
    }

    [Fact]
    public void Decode_DifeChain_GivesStorageTariffAndSubunit()
    {
        // DIF 0xC4 (storage bit 1, extension), DIFE 0x80|0x40|0x20|0x01 → storage 1+2, tariff 2, subunit 1; DIFE 0x01 → storage + 32.
        var record = Assert.Single(MBusDecoder.Decode(Frame(0xC4, 0xE1, 0x01, 0x13, 0x10, 0x00, 0x00, 0x00)).Records);

        Assert.Equal(1 + 2 + 32, record.Storage);
        Assert.Equal(2, record.Tariff);
        Assert.Equal(1, record.Subunit);
        Assert.Equal("volume", record.Quantity);
        Assert.Equal(0.016, record.Value!.Value, 9);
    }

    [Fact]
    public void Decode_DateAndDateTime_GivesIso8601()
    {
        var records = MBusDecoder.Decode(Frame(0x42, 0x6C, 0xDF, 0x1C, 0x04, 0x6D, 0x1A, 0x2F, 0x65, 0x11)).Records;

        Assert.Equal("2014-12-31", records[0].Text);
        Assert.Equal(1, records[0].Storage);
        Assert.Equal("2011-01-05T15:26:00", records[1].Text);
    }

    [Fact]
    public void Decode_NegativeBcd_GivesNegativeValue()
    {
        // BCD4 with 0xF in the top nibble: −123 (EN 13757-3, BCD with hex codes); VIF 0x5B flow temperature in °C.
        var record = Assert.Single(MBusDecoder.Decode(Frame(0x0A, 0x5B, 0x23, 0xF1)).Records);

        Assert.Equal(-123d, record.Value);
        Assert.Equal("°C", record.Unit);
    }

    [Fact]
    public void Decode_IdleFillerAndManufacturerTail_SkipsFillerKeepsTailAsHex()
    {
        var records = MBusDecoder.Decode(Frame(0x2F, 0x2F, 0x01, 0xFD, 0x1B, 0x00, 0x0F, 0xAB, 0xCD)).Records;

        Assert.Equal(2, records.Count);
        Assert.Equal("digitalInput", records[0].Quantity);
        Assert.Equal(MBusFunction.ManufacturerSpecific, records[1].Function);
        Assert.Equal("ABCD", records[1].Text);
    }

    [Fact]
    public void Decode_VariableLengthText_ReadsLastCharacterFirst()
    {
        var record = Assert.Single(MBusDecoder.Decode(Frame(0x0D, 0x78, 0x04, 0x44, 0x43, 0x42, 0x41)).Records);

        Assert.Equal("ABCD", record.Text);
    }

    [Fact]
    public void Decode_ApplicationErrorReply_GivesTheMeaning()
    {
        var telegram = MBusDecoder.Decode(Long([0x08, 0x01, 0x70, 0x08]));

        Assert.Equal("application busy", telegram.Header.Error);
        Assert.Empty(telegram.Records);
    }

    [Fact]
    public void Decode_BadChecksum_ThrowsWithTheChecksumOffset()
    {
        var frame = Frame(0x04, 0x06, 0xE7, 0x91, 0x00, 0x00);
        frame[^2] ^= 0xFF;

        var exception = Assert.Throws<MBusFrameException>(() => MBusDecoder.Decode(frame));
        Assert.Equal(frame.Length - 2, exception.Offset);
    }

    [Fact]
    public void Decode_WrongStopByte_ThrowsWithTheStopOffset()
    {
        var frame = Frame(0x04, 0x06, 0xE7, 0x91, 0x00, 0x00);
        frame[^1] = 0x17;

        Assert.Equal(frame.Length - 1, Assert.Throws<MBusFrameException>(() => MBusDecoder.Decode(frame)).Offset);
    }

    [Fact]
    public void Decode_LengthBytesDiffer_ThrowsAtSecondLengthByte()
    {
        var frame = Frame(0x04, 0x06, 0xE7, 0x91, 0x00, 0x00);
        frame[2]++;

        Assert.Equal(2, Assert.Throws<MBusFrameException>(() => MBusDecoder.Decode(frame)).Offset);
    }

    [Fact]
    public void Parse_SingleCharacterAndShortFrame_RecognisesBoth()
    {
        Assert.Equal(MBusFrameKind.SingleCharacter, MBusFrame.Parse([0xE5]).Kind);
        var shortFrame = MBusFrame.Parse([0x10, 0x5B, 0xFE, 0x59, 0x16]);
        Assert.Equal(MBusFrameKind.Short, shortFrame.Kind);
        Assert.Equal(0xFE, shortFrame.Address);
    }

    [Fact]
    public void TryParse_ShortFrameBadChecksum_ReturnsReasonWithoutThrowing()
    {
        Assert.False(MBusFrame.TryParse([0x10, 0x5B, 0xFE, 0x00, 0x16], out _, out var reason, out var offset));
        Assert.Equal(3, offset);
        Assert.Contains("checksum", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Manufacturer_FlagCode_GivesThreeLetters()
    {
        // EN 13757-3 manufacturer field: KAM = (11·32 + 1)·32 + 13 = 0x2C2D.
        Assert.Equal("KAM", MBusDecoder.Manufacturer(0x2C2D));
    }
}
