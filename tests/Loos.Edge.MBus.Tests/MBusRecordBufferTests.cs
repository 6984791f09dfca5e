using System.Globalization;
using System.Text;
using Loos.Edge.Testing;

namespace Loos.Edge.MBus.Tests;

public sealed class MBusRecordBufferTests
{
    [CorpusFact(LibmbusCorpus.Folder)]
    public void Decode_EveryTestFrameIntoOneBuffer_EachTelegramMatchesLibmbus()
    {
        // The whole corpus as one readout, decoded twice into the same buffer: the second pass reuses the room the
        // first one grew, so a value that pointed at bytes another telegram overwrote would no longer match.
        var frames = LibmbusCorpus.Frames("test-frames").ToList();
        var buffer = new MBusRecordBuffer(recordCapacity: 1);
        var report = new StringBuilder();
        for (var pass = 0; pass < 2; pass++)
        {
            buffer.Clear();
            foreach (var path in frames)
            {
                MBusDecoder.Decode(LibmbusCorpus.ReadFrame(path), buffer);
            }

            Assert.Equal(frames.Count, buffer.TelegramCount);
            for (var index = 0; index < frames.Count; index++)
            {
                var telegram = MBusTelegram.From(buffer.HeaderOf(index), buffer.RecordsOf(index));
                var problems = LibmbusCorpus.Compare(
                    telegram, LibmbusCorpus.ReadXml(Path.ChangeExtension(frames[index], ".norm.xml")), LibmbusCorpus.ReadXml(Path.ChangeExtension(frames[index], ".xml")));
                foreach (var problem in problems.Take(4))
                {
                    report.AppendLine(CultureInfo.InvariantCulture, $"pass {pass} {Path.GetFileName(frames[index])}: {problem}");
                }
            }
        }

        Assert.True(report.Length == 0, report.ToString());
    }

    [Fact]
    public void Decode_RejectedFrame_LeavesTheEarlierTelegramsAsTheyWere()
    {
        var buffer = new MBusRecordBuffer();
        MBusDecoder.Decode(MBusDecoderTests.Frame(0x04, 0x06, 0xE7, 0x91, 0x00, 0x00), buffer);

        // A date record, then a record whose 4-byte value is cut off after 2 bytes.
        var cut = MBusDecoderTests.Frame(0x42, 0x6C, 0xDF, 0x1C, 0x04, 0x13, 0x01, 0x02);

        var rejection = Assert.Throws<MBusFrameException>(() => MBusDecoder.Decode(cut, buffer));
        Assert.Equal(cut.Length - 4, rejection.Offset);
        Assert.Equal(1, buffer.TelegramCount);
        var record = Assert.Single(buffer.Records.ToArray());
        Assert.Equal(37_351_000, record.Value);
    }

    [Fact]
    public void Decode_SameMeterAgain_KeepsThePlainTextQuantityAndTheTextBytes()
    {
        // Plain-text VIF "AB" (sent "BA") with an 8-bit value, then LVAR text "ABCD" (sent "DCBA").
        var frame = MBusDecoderTests.Frame(0x01, 0x7C, 0x02, 0x42, 0x41, 0x07, 0x0D, 0x78, 0x04, 0x44, 0x43, 0x42, 0x41);
        var buffer = new MBusRecordBuffer();
        MBusDecoder.Decode(frame, buffer);
        var first = buffer.Records[0].Quantity;
        buffer.Clear();
        MBusDecoder.Decode(frame, buffer);

        Assert.Equal("AB", buffer.Records[0].Quantity);
        Assert.Same(first, buffer.Records[0].Quantity);
        Assert.Equal(7, buffer.Records[0].Value);
        Assert.Equal(MBusTextKind.ReversedText, buffer.Records[1].TextKind);
        Span<char> text = stackalloc char[8];
        Assert.True(buffer.Records[1].TryFormatText(text, out var written));
        Assert.Equal("ABCD", text[..written].ToString());
    }

    [Fact]
    public void TryGetDateTime_TypeFRecord_GivesTheMeterClockAndRejectsOtherRecords()
    {
        var records = MBusDecoder.Decode(MBusDecoderTests.Frame(0x04, 0x6D, 0x1A, 0x2F, 0x65, 0x11, 0x04, 0x06, 0xE7, 0x91, 0x00, 0x00)).Records;

        Assert.True(records[0].TryGetDateTime(out var clock));
        Assert.Equal(new DateTime(2011, 1, 5, 15, 26, 0), clock);
        Assert.False(records[1].TryGetDateTime(out _));
    }
}
