using Loos.Edge.Core;

namespace Loos.Edge.Forwarding.Tests.Support;

public static class Readings
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 6, 0, 0, TimeSpan.Zero);

    /// <summary><paramref name="count"/> readings per meter, a second apart, value = index + meter/10, adjacent per timestamp.</summary>
    public static Reading[] Meters(SeriesCatalog catalog, int meters, int count, string measurement = "energy")
    {
        var ids = Enumerable.Range(0, meters)
            .Select(m => catalog.Intern(new SeriesKey(measurement, [new Tag("meter", $"m{m}")], "wh", "Wh")))
            .ToArray();
        var readings = new List<Reading>(meters * count);
        for (var i = 0; i < count; i++)
        {
            for (var m = 0; m < meters; m++)
            {
                readings.Add(new Reading(ids[m], Start.AddSeconds(i), i + (m / 10.0)));
            }
        }

        return [.. readings];
    }

    public static string TempFile(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
