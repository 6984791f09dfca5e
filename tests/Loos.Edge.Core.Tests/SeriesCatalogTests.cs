namespace Loos.Edge.Core.Tests;

public sealed class SeriesCatalogTests
{
    private static SeriesKey Key(string home) => new("heat", [new Tag("home", home)], "energy", "kWh", ValueKind.Integer);

    [Fact]
    public void Intern_NewKeys_GetDenseIdsFromZero()
    {
        var catalog = new SeriesCatalog();

        Assert.Equal(new SeriesId(0), catalog.Intern(Key("a")));
        Assert.Equal(new SeriesId(1), catalog.Intern(Key("b")));
        Assert.Equal(2, catalog.Count);
    }

    [Fact]
    public void Intern_EqualKeyFromAnotherInstance_ReturnsTheSameId()
    {
        var catalog = new SeriesCatalog();
        var id = catalog.Intern(Key("a"));

        Assert.Equal(id, catalog.Intern(Key("a")));
        Assert.Equal(1, catalog.Count);
    }

    [Fact]
    public void Indexer_InternedId_ReturnsTheKey()
    {
        var catalog = new SeriesCatalog();
        var id = catalog.Intern(Key("a"));

        Assert.Equal(Key("a"), catalog[id]);
    }

    [Fact]
    public void Indexer_UnknownId_Throws()
    {
        var catalog = new SeriesCatalog();
        catalog.Intern(Key("a"));

        Assert.Throws<KeyNotFoundException>(() => catalog[new SeriesId(1)]);
        Assert.Throws<KeyNotFoundException>(() => catalog[new SeriesId(-1)]);
    }

    [Fact]
    public void Intern_BeyondInitialCapacity_KeepsEveryKey()
    {
        var catalog = new SeriesCatalog();
        var ids = Enumerable.Range(0, 1000).Select(i => catalog.Intern(Key($"h{i}"))).ToList();

        Assert.Equal(Enumerable.Range(0, 1000), ids.Select(id => id.Value));
        Assert.Equal("h999", catalog[ids[999]].GetTag("home"));
    }

    [Fact]
    public async Task Intern_ConcurrentThreads_YieldOneIdPerKey()
    {
        var catalog = new SeriesCatalog();
        using var start = new Barrier(4);
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return Enumerable.Range(0, 500).Select(i => catalog.Intern(Key($"h{i}"))).ToArray();
        })).ToArray();

        var results = await Task.WhenAll(tasks);

        Assert.Equal(500, catalog.Count);
        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.Equal(500, results[0].Distinct().Count());
    }
}
