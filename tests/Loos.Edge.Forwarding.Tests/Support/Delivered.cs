using System.Text.RegularExpressions;

namespace Loos.Edge.Forwarding.Tests.Support;

/// <summary>Which readings of <see cref="Readings.Meters"/> (one meter, value = index) a set of request bodies holds.</summary>
public static partial class Delivered
{
    /// <summary>The distinct <c>wh</c> values in <paramref name="bodies"/>, whatever the timestamp precision.</summary>
    public static SortedSet<int> Values(IEnumerable<string> bodies) =>
        [.. bodies.SelectMany(b => WhValue().Matches(b)).Select(m => int.Parse(m.Groups[1].Value))];

    /// <summary>Asserts that <paramref name="bodies"/> hold every value 0 … <paramref name="count"/> − 1.</summary>
    public static void AssertAll(IEnumerable<string> bodies, int count)
    {
        var values = Values(bodies);
        var missing = Enumerable.Range(0, count).Where(v => !values.Contains(v)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} readings never arrived, the first {string.Join(", ", missing.Take(5))}.");
    }

    [GeneratedRegex(@" wh=(\d+) ")]
    private static partial Regex WhValue();
}
