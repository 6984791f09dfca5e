using System.Text;
using Loos.Edge.MBus;
using Loos.Edge.Testing;

namespace Loos.Edge.MBus.Tests;

public sealed class LibmbusCorpusTests
{
    [CorpusFact(LibmbusCorpus.Folder)]
    public void Decode_EveryTestFrame_MatchesLibmbusNormalisedOutput()
    {
        var frames = LibmbusCorpus.Frames("test-frames").ToList();
        var report = new StringBuilder();
        var matching = 0;
        foreach (var path in frames)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            List<string> problems;
            try
            {
                var telegram = MBusDecoder.Decode(LibmbusCorpus.ReadFrame(path));
                problems = LibmbusCorpus.Compare(
                    telegram, LibmbusCorpus.ReadXml(Path.ChangeExtension(path, ".norm.xml")), LibmbusCorpus.ReadXml(Path.ChangeExtension(path, ".xml")));
            }
            catch (MBusFrameException exception)
            {
                problems = [$"rejected: {exception.Message}"];
            }

            if (problems.Count == 0)
            {
                matching++;
            }
            else
            {
                report.AppendLine(name);
                foreach (var problem in problems.Take(8))
                {
                    report.AppendLine("  " + problem);
                }
            }
        }

        Assert.Equal(76, frames.Count);
        Assert.True(matching == frames.Count, $"{matching} of {frames.Count} frames match\n{report}");
    }

    [CorpusFact(LibmbusCorpus.Folder)]
    public void Decode_ApplicationErrorFrames_GiveTheErrorMeaning()
    {
        var checkedFrames = 0;
        foreach (var path in LibmbusCorpus.Frames("error-frames"))
        {
            var xml = Path.ChangeExtension(path, ".xml");
            if (!File.Exists(xml))
            {
                continue;
            }

            var expected = LibmbusCorpus.ReadXml(xml).Root!.Descendants("Error").Single().Value;
            var telegram = MBusDecoder.Decode(LibmbusCorpus.ReadFrame(path));

            // libmbus writes "More than 10 DIFE´s"; the decoder says "more than 10 DIFEs".
            var normalised = expected.Replace("´", string.Empty, StringComparison.Ordinal);
            Assert.True(string.Equals(normalised, telegram.Header.Error, StringComparison.OrdinalIgnoreCase), $"{Path.GetFileName(path)}: expected '{expected}', decoded '{telegram.Header.Error}'");
            Assert.Empty(telegram.Records);
            checkedFrames++;
        }

        Assert.Equal(10, checkedFrames);
    }

    [CorpusFact(LibmbusCorpus.Folder)]
    public void Decode_MalformedFrames_RejectedWithTheOffsetOfTheFault()
    {
        // Where each fault sits, found by walking the records by hand: the first byte that is missing or one too many.
        var expectedOffsets = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["premature_end_of_data1.hex"] = 32, // BCD6 value of DIF 8B at 29 would start at 32, the checksum
            ["premature_end_of_data2.hex"] = 32,
            ["premature_end_of_dif1.hex"] = 30,  // DIF 8B at 29 announces a DIFE; the checksum follows
            ["premature_end_of_dif2.hex"] = 31,
            ["premature_end_of_var_vif1.hex"] = 43,
            ["premature_end_of_vif1.hex"] = 31,  // DIF 8B, DIFE 60 (last), then no VIF
            ["too_long_var_vif.hex"] = 43,       // plain-text length 0xF3 at 43
            ["too_many_dife.hex"] = 40,          // the 11th DIFE
            ["too_many_vife.hex"] = 42,          // the 11th VIFE
            ["too_short_header.hex"] = 12,       // the header ends after 5 of its 12 bytes
        };
        var count = 0;
        foreach (var path in LibmbusCorpus.Frames("error-frames"))
        {
            if (File.Exists(Path.ChangeExtension(path, ".xml")))
            {
                continue;
            }

            var frame = LibmbusCorpus.ReadFrame(path);
            var exception = Assert.Throws<MBusFrameException>(() => MBusDecoder.Decode(frame));
            Assert.True(
                expectedOffsets[Path.GetFileName(path)] == exception.Offset,
                $"{Path.GetFileName(path)}: expected the fault at {expectedOffsets[Path.GetFileName(path)]}, rejected with {exception.Message}");
            count++;
        }

        Assert.Equal(10, count);
    }
}
