using System.Buffers.Binary;
using System.IO.Hashing;
using Loos.Edge.Lighting.Overriding;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Lighting.Tests.Overriding;

public sealed class OverrideStoreTests : IDisposable
{
    private static readonly string[] Circuits = ["rue-basly", "place-verte"];
    private static readonly DateTimeOffset Evening = new(2026, 7, 14, 18, 0, 0, TimeSpan.Zero);
    private readonly string folder = Directory.CreateTempSubdirectory("loos-edge-overrides-").FullName;
    private readonly FakeTimeProvider time = new(Evening);

    private string FilePath => Path.Combine(folder, "lighting-overrides.dat");

    [Fact]
    public void Add_ThenNewStoreOnTheSameFile_KeepsTheOverrideWhole()
    {
        var from = new DateTimeOffset(2026, 7, 14, 22, 30, 0, TimeSpan.FromHours(2));
        var added = Open().Add(["rue-basly"], 100, from, from.AddHours(2), "feu d'artifice").Override!;

        var reopened = Open().All(time.GetUtcNow());

        var kept = Assert.Single(reopened);
        Assert.Equal(added.Id, kept.Id);
        Assert.Equal(["rue-basly"], kept.Circuits);
        Assert.Equal(100, kept.Level);
        Assert.Equal(new DateTimeOffset(2026, 7, 14, 20, 30, 0, TimeSpan.Zero), kept.From);
        Assert.Equal(new DateTimeOffset(2026, 7, 14, 22, 30, 0, TimeSpan.Zero), kept.Until);
        Assert.Equal("feu d'artifice", kept.Reason);
        Assert.Equal(Evening, kept.Created);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        }
    }

    [Fact]
    public void All_AfterTheExpiry_NoLongerListsIt_AndTheNextWriteDropsItFromTheFile()
    {
        var store = Open();
        store.Add(null, 0, Evening, Evening.AddHours(1), "works");
        Assert.Single(store.All(time.GetUtcNow()));

        time.Advance(TimeSpan.FromHours(1));

        Assert.Empty(store.All(time.GetUtcNow()));
        Assert.Empty(Open().All(time.GetUtcNow()));
        var later = store.Add(["place-verte"], 50, time.GetUtcNow(), time.GetUtcNow().AddHours(1), null).Override!;
        var onDisk = OverrideFile.Decode(File.ReadAllBytes(FilePath));
        Assert.Equal([later.Id], onDisk.Overrides.Select(o => o.Id));
    }

    [Fact]
    public void All_ListsTheNewestFirst_WithWhenEachWasGiven_AndTheNewestWinsWhereTheyOverlap()
    {
        var store = Open();
        var older = store.Add(null, 50, Evening, Evening.AddHours(6), "dimmed").Override!;
        time.Advance(TimeSpan.FromMinutes(5));
        var newer = store.Add(["rue-basly"], 100, Evening, Evening.AddHours(2), "feu d'artifice").Override!;

        var listed = store.All(time.GetUtcNow());

        Assert.Equal([newer.Id, older.Id], listed.Select(o => o.Id));
        Assert.Equal(Evening.AddMinutes(5), listed[0].Created);
        Assert.Equal(Evening, listed[1].Created);
        Assert.Equal(100, store.Winning("rue-basly", time.GetUtcNow())!.Level);
        Assert.Equal(50, store.Winning("place-verte", time.GetUtcNow())!.Level);
        Assert.Equal(Evening.AddHours(2), store.NextTransition(time.GetUtcNow()));
    }

    [Fact]
    public void Active_OnlyHoldsWhatIsInForceNow()
    {
        var store = Open();
        store.Add(null, 0, Evening.AddHours(5), Evening.AddHours(6), "later tonight");

        Assert.Empty(store.Active(time.GetUtcNow()));
        Assert.Single(store.All(time.GetUtcNow()));
        Assert.Single(store.Active(Evening.AddHours(5)));
        Assert.Empty(store.Active(Evening.AddHours(6)));
    }

    [Fact]
    public void AddAndCancel_RaiseChanged_AndCancelSaysWhetherTheIdExisted()
    {
        var store = Open();
        var changes = 0;
        store.Changed += () => changes++;

        var added = store.Add(null, 0, Evening, Evening.AddHours(1), null).Override!;
        Assert.False(store.Cancel("00000000"));
        Assert.True(store.Cancel(added.Id));

        Assert.Equal(2, changes);
        Assert.Equal(2, store.ChangeCount);
        Assert.Empty(Open().All(time.GetUtcNow()));
    }

    public static TheoryData<string[]?, int, int, int, int, string> Refusals => new()
    {
        { ["rue-basly"], 150, 0, 60, 0, "level 150" },
        { ["rue-basly"], -1, 0, 60, 0, "level -1" },
        { ["rue-inconnue"], 100, 0, 60, 0, "circuit 'rue-inconnue' is not one of the site's circuits (place-verte, rue-basly)" },
        { [], 100, 0, 60, 0, "circuits is empty" },
        { null, 100, 60, 30, 0, "until 2026-07-14T18:30:00Z is not after from 2026-07-14T19:00:00Z" },
        { null, 100, -120, -60, 0, "until 2026-07-14T17:00:00Z is already past" },
        { null, 100, 0, 60, 201, "reason is 201 characters long, 200 at most" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Add_ImpossibleValue_IsRefusedNamingIt_AndNothingIsWritten(string[]? circuits, int level, int fromMinutes, int untilMinutes, int reasonLength, string expected)
    {
        var store = Open();

        var outcome = store.Add(circuits, level, Evening.AddMinutes(fromMinutes), Evening.AddMinutes(untilMinutes), new string('x', reasonLength));

        Assert.False(outcome.IsApplied);
        Assert.Contains(expected, outcome.Refusal, StringComparison.Ordinal);
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public void Add_BeyondTheMostKept_IsRefused()
    {
        var store = Open();
        for (var i = 0; i < OverrideStore.MaximumOverrides; i++)
        {
            Assert.True(store.Add(null, i % 101, Evening, Evening.AddHours(1), null).IsApplied);
        }

        var outcome = store.Add(null, 100, Evening, Evening.AddHours(1), null);

        Assert.Contains("256 overrides are in force or to come", outcome.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DamagedFile_IsKeptAsideAndReported_AndTheStoreStartsEmpty()
    {
        Open().Add(null, 100, Evening, Evening.AddHours(1), "fête");
        var bytes = File.ReadAllBytes(FilePath);
        bytes[20] ^= 0xFF;
        File.WriteAllBytes(FilePath, bytes);

        var store = Open();

        Assert.Empty(store.All(time.GetUtcNow()));
        Assert.Contains("damaged (the CRC does not match", store.Problem, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(FilePath + ".damaged"));
        Assert.True(store.Add(null, 50, Evening, Evening.AddHours(1), null).IsApplied);
    }

    [Fact]
    public void Open_TruncatedFile_IsKeptAsideAndReported()
    {
        Open().Add(null, 100, Evening, Evening.AddHours(1), "fête");
        var bytes = File.ReadAllBytes(FilePath);
        File.WriteAllBytes(FilePath, bytes[..(bytes.Length / 2)]);

        var store = Open();

        Assert.Empty(store.All(time.GetUtcNow()));
        Assert.Contains("CRC does not match", store.Problem, StringComparison.Ordinal);
        Assert.True(File.Exists(FilePath + ".damaged"));
    }

    [Fact]
    public void Open_FileOfANewerVersion_IsRefusedWithItsVersion_AndLeftAsItIs()
    {
        Open().Add(null, 100, Evening, Evening.AddHours(1), "fête");
        var bytes = File.ReadAllBytes(FilePath);
        bytes[4] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
        File.WriteAllBytes(FilePath, bytes);

        var store = Open();

        Assert.Empty(store.All(time.GetUtcNow()));
        Assert.Contains("format version 2, written by a newer gateway; this one reads version 1", store.Problem, StringComparison.Ordinal);
        var refused = Assert.Throws<IOException>(() => store.Add(null, 50, Evening, Evening.AddHours(1), null));
        Assert.Contains("format version 2", refused.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(FilePath));
    }

    [Fact]
    public void Open_AfterACrashBeforeTheRename_ReadsTheLastWholeFile()
    {
        var kept = Open().Add(["rue-basly"], 100, Evening, Evening.AddHours(1), "fête").Override!;

        // What a power cut leaves while the next change is written: half a temporary file beside the old one.
        var next = OverrideFile.Encode([kept, kept with { Id = "0badf00d" }]);
        File.WriteAllBytes(FilePath + ".tmp", next[..(next.Length / 2)]);

        var store = Open();

        Assert.Equal([kept.Id], store.All(time.GetUtcNow()).Select(o => o.Id));
        Assert.Null(store.Problem);
        Assert.True(store.Add(null, 50, Evening, Evening.AddHours(1), null).IsApplied);
        Assert.Equal(2, Open().All(time.GetUtcNow()).Count);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private OverrideStore Open() => new(FilePath, Circuits, time);
}
