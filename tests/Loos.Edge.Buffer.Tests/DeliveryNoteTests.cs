using Loos.Edge.Core;

namespace Loos.Edge.Buffer.Tests;

/// <summary>Delivery notes: kept in the same commit as their readings, and given back only with them.</summary>
public sealed class DeliveryNoteTests
{
    [Fact]
    public async Task Open_AfterAppendsWithNotes_GivesTheNotesBackOldestFirst_AndConsumersSeeOnlyReadings()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var heat = catalog.Intern(Buffers.Key("heat", "A1"));
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            Assert.Empty(buffer.RecoveredDeliveryNotes);
            await buffer.AppendAsync(Buffers.Sequence(heat, 0, 3), new byte[] { 1, 2, 3 });
            await buffer.AppendAsync(Buffers.Sequence(heat, 3, 600), new byte[] { 4 });
            await buffer.AppendAsync(Buffers.Sequence(heat, 603, 1));
        }

        await using var reopened = Buffers.Open(directory.Path, new SeriesCatalog());

        Assert.Equal([[1, 2, 3], [4]], reopened.RecoveredDeliveryNotes.Select(note => note.ToArray()));
        Assert.Equal(Enumerable.Range(0, 604).Select(i => (double)i), (await Buffers.DrainAsync(reopened, "target")).Select(r => r.Value));
    }

    [Fact]
    public async Task Open_LastAppendTornAnywhere_NeverGivesItsNoteBackWithoutAllItsReadings()
    {
        using var directory = new TempDirectory();
        var catalog = new SeriesCatalog();
        var heat = catalog.Intern(Buffers.Key("heat", "A1"));
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            await buffer.AppendAsync(Buffers.Sequence(heat, 0, 2), new byte[] { 7 });
        }

        var intact = await File.ReadAllBytesAsync(directory.Segment(1));
        await using (var buffer = Buffers.Open(directory.Path, catalog))
        {
            // A new series: the append's records are a definition, then 600 readings in two records.
            var outdoor = catalog.Intern(new SeriesKey("outdoor", [], "temperature", "°C"));
            await buffer.AppendAsync(Buffers.Sequence(outdoor, 0, 600), new byte[] { 8, 8 });
        }

        var second = await File.ReadAllBytesAsync(directory.Segment(2));
        // Every byte through the note and the definition, then a sample of the readings, and the last bytes.
        var cuts = Enumerable.Range(SegmentFormat.HeaderBytes, 200)
            .Concat(Enumerable.Range(0, second.Length / 97).Select(k => k * 97))
            .Concat([second.Length - 1, second.Length])
            .Where(cut => cut >= SegmentFormat.HeaderBytes && cut <= second.Length)
            .Distinct();
        foreach (var cut in cuts)
        {
            using var copy = new TempDirectory();
            await File.WriteAllBytesAsync(copy.Segment(1), intact);
            await File.WriteAllBytesAsync(copy.Segment(2), second[..cut]);
            await using var reopened = Buffers.Open(copy.Path, new SeriesCatalog(), new ListLogger());

            var notes = reopened.RecoveredDeliveryNotes.Select(note => note.ToArray()).ToList();
            var outdoorReadings = (await Buffers.DrainAsync(reopened, "target")).Count - 2;
            if (cut == second.Length)
            {
                Assert.Equal([[7], [8, 8]], notes);
                Assert.Equal(600, outdoorReadings);
            }
            else
            {
                Assert.True(notes.Count == 1 && notes[0].SequenceEqual(new byte[] { 7 }), $"cut at byte {cut}: {notes.Count} note(s)");
                Assert.True(outdoorReadings < 600, $"cut at byte {cut}");
            }
        }
    }
}
