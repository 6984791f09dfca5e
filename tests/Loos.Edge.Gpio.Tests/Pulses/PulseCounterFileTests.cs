using Loos.Edge.Gpio.Pulses;

namespace Loos.Edge.Gpio.Tests.Pulses;

public sealed class PulseCounterFileTests : IDisposable
{
    private static readonly PulseCounterState State = new(123_456_789, 45_210.5, new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero));
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-pulses-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string PathOf(string name = "meter") => PulseCounterFile.PathOf(directory, name);

    [Fact]
    public void Write_ThenRead_GivesTheStateBack()
    {
        PulseCounterFile.Write(PathOf(), State);

        var read = PulseCounterFile.Read(PathOf());

        Assert.Equal(PulseCounterFileStatus.Valid, read.Status);
        Assert.Equal(State, read.State);
        Assert.Equal(PulseCounterFile.Length, new FileInfo(PathOf()).Length);
    }

    [Fact]
    public void Read_NoFile_IsMissing()
    {
        Assert.Equal(PulseCounterFileStatus.Missing, PulseCounterFile.Read(PathOf()).Status);
    }

    [Fact]
    public void Read_EveryTruncation_IsDamagedAndSaysTruncated()
    {
        var whole = PulseCounterFile.Encode(State);
        for (var length = 0; length < whole.Length; length++)
        {
            File.WriteAllBytes(PathOf(), whole[..length]);

            var read = PulseCounterFile.Read(PathOf());

            Assert.Equal(PulseCounterFileStatus.Damaged, read.Status);
            Assert.Contains("truncated", read.Problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_EverySingleBitFlip_IsDamaged()
    {
        var whole = PulseCounterFile.Encode(State);
        for (var bit = 0; bit < whole.Length * 8; bit++)
        {
            var flipped = whole.ToArray();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            File.WriteAllBytes(PathOf(), flipped);

            var read = PulseCounterFile.Read(PathOf());

            Assert.True(read.Status == PulseCounterFileStatus.Damaged, $"bit {bit} flipped was read as {read.State}");
            Assert.NotNull(read.Problem);
        }
    }

    [Fact]
    public void Read_BitFlipInTheCount_SaysTheCrcDoesNotMatch()
    {
        var data = PulseCounterFile.Encode(State);
        data[9] ^= 0x10;
        File.WriteAllBytes(PathOf(), data);

        Assert.Equal("damaged: the CRC does not match", PulseCounterFile.Read(PathOf()).Problem);
    }

    [Fact]
    public void Read_WholeFileOfAnotherVersion_SaysWhichVersion()
    {
        var data = PulseCounterFile.Encode(State);
        data[4] = 2;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(32), System.IO.Hashing.Crc32.HashToUInt32(data.AsSpan(0, 32)));
        File.WriteAllBytes(PathOf(), data);

        var read = PulseCounterFile.Read(PathOf());

        Assert.Equal(PulseCounterFileStatus.Damaged, read.Status);
        Assert.Equal("format version 2, this gateway reads version 1", read.Problem);
    }

    [Fact]
    public void Read_AnotherFileWithTheName_SaysBadMagic()
    {
        File.WriteAllText(PathOf(), "45210.5 kWh, noted by hand\n");

        Assert.Contains("bad magic", PulseCounterFile.Read(PathOf()).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OverATornTemporaryFileOfAnInterruptedWrite_ReplacesTheOldCountWhole()
    {
        PulseCounterFile.Write(PathOf(), State);

        // A power cut during the next write leaves a partial temporary file; the saved count is untouched.
        File.WriteAllBytes(PathOf() + ".tmp", PulseCounterFile.Encode(State with { Pulses = 999 })[..10]);
        Assert.Equal(State, PulseCounterFile.Read(PathOf()).State);

        PulseCounterFile.Write(PathOf(), State with { Pulses = State.Pulses + 1 });

        Assert.Equal(State.Pulses + 1, PulseCounterFile.Read(PathOf()).State.Pulses);
        Assert.False(File.Exists(PathOf() + ".tmp"));
        Assert.Equal([Path.GetFileName(PathOf())], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void PathOf_NameWithSlashes_StaysInTheDirectory()
    {
        var path = PulseCounterFile.PathOf(directory, "../cellar/meter 1");

        Assert.Equal(directory, Path.GetDirectoryName(path));
    }

    [Fact]
    public void KeepAside_DamagedFile_MovedBesideWithCorruptExtensionAndFound()
    {
        File.WriteAllBytes(PathOf(), [1, 2, 3]);

        var aside = PulseCounterFile.KeepAside(PathOf(), new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero));

        Assert.False(File.Exists(PathOf()));
        Assert.NotNull(aside);
        Assert.Equal([aside], PulseCounterFile.CorruptFilesOf(PathOf()));
        Assert.EndsWith("meter.count.20260115T100000000Z.corrupt", aside, StringComparison.Ordinal);
        Assert.Empty(PulseCounterFile.CorruptFilesOf(PulseCounterFile.PathOf(directory, "met")));
    }
}
