using Loos.Edge.MBus;
using Loos.Edge.Testing;

namespace Loos.Edge.MBus.Tests;

public sealed class UnsupportedFramesTests
{
    [CorpusFact(LibmbusCorpus.Folder)]
    public void Decode_InvalidLength_RejectedAtTheLengthByte()
    {
        var exception = Assert.Throws<MBusFrameException>(() => MBusDecoder.Decode(LibmbusCorpus.ReadFrame(Path.Combine(LibmbusCorpus.Path("unsupported-frames"), "invalid_length.hex"))));

        Assert.Equal(1, exception.Offset);
    }

    [CorpusFact(LibmbusCorpus.Folder)]
    public void Decode_FixedStructureOneByteShort_RejectedAtTheEndOfTheData()
    {
        var frame = LibmbusCorpus.ReadFrame(Path.Combine(LibmbusCorpus.Path("unsupported-frames"), "invalid_length2.hex"));

        var exception = Assert.Throws<MBusFrameException>(() => MBusDecoder.Decode(frame));
        Assert.Equal(frame.Length - 2, exception.Offset);
    }

    [CorpusFact(LibmbusCorpus.Folder)]
    public void Parse_MangledStartToken_RejectedAsNotHex()
    {
        Assert.False(MBusHex.TryParse(File.ReadAllText(Path.Combine(LibmbusCorpus.Path("unsupported-frames"), "manual_frame1.hex")), out _, out var problem));
        Assert.Contains("one digit", problem, StringComparison.Ordinal);
    }

    [CorpusFact(LibmbusCorpus.Folder)]
    public void Decode_MasterSendUserData_RejectedAtTheCiField()
    {
        foreach (var name in new[] { "manual_frame4.hex", "manual_frame5.hex", "manual_frame6.hex" })
        {
            var exception = Assert.Throws<MBusFrameException>(() => MBusDecoder.Decode(LibmbusCorpus.ReadFrame(Path.Combine(LibmbusCorpus.Path("unsupported-frames"), name))));
            Assert.Equal(6, exception.Offset);
        }
    }

    [CorpusFact(LibmbusCorpus.Folder)]
    public void Decode_OnlyMoreRecordsFollowBlock_GivesOneManufacturerRecordOf206Bytes()
    {
        var telegram = MBusDecoder.Decode(LibmbusCorpus.ReadFrame(Path.Combine(LibmbusCorpus.Path("unsupported-frames"), "svm_f22_telegram2.hex")));

        var record = Assert.Single(telegram.Records);
        Assert.Equal(MBusFunction.MoreRecordsFollow, record.Function);
        Assert.Equal(206 * 2, record.Text!.Length);
        Assert.Equal("heat (outlet)", telegram.Header.Medium);
    }
}
