using Loos.Edge.Modbus.Protocol;
using Loos.Edge.Modbus.Transport;

namespace Loos.Edge.Modbus.Tests.Protocol;

public sealed class RtuFramingTests
{
    private static readonly byte[] Reply = Frame("01030400010002");

    [Fact]
    public void FindFrame_GarbageBeforeReply_FindsReplyAfterGarbage()
    {
        byte[] bytes = [0xA5, 0x01, 0xFF, 0x00, .. Reply];

        var found = RtuTransport.FindFrame(1, bytes, out var offset, out var length);

        Assert.True(found);
        Assert.Equal(4, offset);
        Assert.Equal(Reply.Length, length);
    }

    [Fact]
    public void FindFrame_HalfFrame_FindsNothing()
    {
        Assert.False(RtuTransport.FindFrame(1, Reply.AsSpan(0, 5), out _, out _));
    }

    [Fact]
    public void FindFrame_ReplyFromOtherUnit_FindsNothing()
    {
        Assert.False(RtuTransport.FindFrame(2, Reply, out _, out _));
    }

    [Fact]
    public void FindFrame_BadCrc_FindsNothingAndDescribeSaysCrc()
    {
        var corrupted = (byte[])Reply.Clone();
        corrupted[^1] ^= 0x5A;

        Assert.False(RtuTransport.FindFrame(1, corrupted, out _, out _));
        var (isCrcError, text) = RtuTransport.Describe(1, corrupted);
        Assert.True(isCrcError);
        Assert.Contains("CRC mismatch", text, StringComparison.Ordinal);
    }

    [Fact]
    public void FindFrame_ExceptionReply_IsFiveBytes()
    {
        var exception = Frame("018302");

        Assert.True(RtuTransport.FindFrame(1, exception, out _, out var length));
        Assert.Equal(5, length);
    }

    [Fact]
    public void Describe_HalfFrame_SaysIncomplete()
    {
        var (isCrcError, text) = RtuTransport.Describe(1, Reply.AsSpan(0, 5));

        Assert.False(isCrcError);
        Assert.Contains("incomplete frame: 5 of 9 bytes", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9600, 4010)] // 3.5 × 11 bits / 9600 baud
    [InlineData(19200, 2005)]
    [InlineData(38400, 1750)] // Fixed above 19200 baud (Modbus over Serial Line v1.02 §2.5.1.1).
    [InlineData(115200, 1750)]
    public void InterFrameDelay_BaudRate_FollowsSerialLineSpec(int baudRate, int expectedMicroseconds)
    {
        Assert.Equal(expectedMicroseconds, RtuTiming.InterFrameDelay(baudRate).TotalMicroseconds, 0);
    }

    [Theory]
    [InlineData(9600, 1719)]
    [InlineData(38400, 750)]
    public void InterCharacterTimeout_BaudRate_FollowsSerialLineSpec(int baudRate, int expectedMicroseconds)
    {
        Assert.Equal(expectedMicroseconds, RtuTiming.InterCharacterTimeout(baudRate).TotalMicroseconds, 0);
    }

    private static byte[] Frame(string hex)
    {
        var body = Convert.FromHexString(hex);
        var frame = new byte[body.Length + 2];
        body.CopyTo(frame, 0);
        Crc16.Append(frame, body.Length);
        return frame;
    }
}
