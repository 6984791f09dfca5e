using Loos.Edge.Core;
using Loos.Edge.Rollups;

namespace Loos.Edge.Rollups.Tests;

public sealed class RollupStateFileTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("loos-edge-rollup-state-");

    private string PathOfState => Path.Combine(directory.FullName, RollupStateFile.FileName);

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public void Write_ThenRead_GivesBackEverySeriesAndReading()
    {
        var state = Sample();

        RollupStateFile.Write(PathOfState, state);

        Assert.True(RollupStateFile.TryRead(PathOfState, out var read, out var problem), problem);
        Assert.Equal(state.SavedAt, read!.SavedAt);
        Assert.Equal(state.ClosedUpToTicks, read.ClosedUpToTicks);
        Assert.Equal(state.Series.Count, read.Series.Count);
        for (var i = 0; i < state.Series.Count; i++)
        {
            Assert.Equal(state.Series[i].Key, read.Series[i].Key);
            Assert.Equal(state.Series[i].Key.Kind, read.Series[i].Key.Kind);
            Assert.Equal(state.Series[i].Key.Unit, read.Series[i].Key.Unit);
            Assert.Equal(state.Series[i].FirstSeenTicks, read.Series[i].FirstSeenTicks);
            Assert.Equal(state.Series[i].Ticks, read.Series[i].Ticks);
            Assert.Equal(state.Series[i].Values, read.Series[i].Values);
        }

        Assert.False(File.Exists(PathOfState + ".tmp"));
    }

    [Fact]
    public void TryRead_AnyBitFlippedOrTruncated_RefusedWithTheReason()
    {
        RollupStateFile.Write(PathOfState, Sample());
        var whole = File.ReadAllBytes(PathOfState);

        for (var offset = 0; offset < whole.Length; offset++)
        {
            var damaged = (byte[])whole.Clone();
            damaged[offset] ^= 0x10;
            File.WriteAllBytes(PathOfState, damaged);
            Assert.False(RollupStateFile.TryRead(PathOfState, out _, out var problem), $"a flipped bit at byte {offset} went unnoticed");
            Assert.NotEmpty(problem);
        }

        for (var length = 0; length < whole.Length; length++)
        {
            File.WriteAllBytes(PathOfState, whole.AsSpan(0, length).ToArray());
            Assert.False(RollupStateFile.TryRead(PathOfState, out _, out var problem), $"a file cut at {length} bytes went unnoticed");
            Assert.NotEmpty(problem);
        }
    }

    [Fact]
    public void TryRead_AnotherVersion_RefusedNamingBoth()
    {
        RollupStateFile.Write(PathOfState, Sample());
        var data = File.ReadAllBytes(PathOfState);
        data[4] = 9;
        File.WriteAllBytes(PathOfState, data);

        Assert.False(RollupStateFile.TryRead(PathOfState, out _, out var problem));
        Assert.Equal("it is of version 9, this gateway reads version 1", problem);
    }

    private static RollupState Sample()
    {
        var meter = new SeriesKey("heat_meter", [new Tag("home", "12"), new Tag("device", "cellar é")], "energy", "Wh");
        var status = new SeriesKey("heat_meter", [new Tag("home", "12")], "status", string.Empty, ValueKind.Integer);
        var since = new DateTimeOffset(2026, 11, 25, 23, 0, 0, TimeSpan.Zero).UtcTicks;
        return new RollupState(
            new DateTimeOffset(2026, 11, 26, 9, 41, 7, 123, TimeSpan.Zero),
            since,
            [
                new RollupSeriesState(meter, since - TimeSpan.TicksPerDay, [since - 10, since + 5, since + 900_000_000], [37_351_000, 37_351_250.5, 37_352_000]),
                new RollupSeriesState(status, since + 1, [], []),
            ]);
    }
}
