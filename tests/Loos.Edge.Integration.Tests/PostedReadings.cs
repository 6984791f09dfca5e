using System.Globalization;
using System.Text;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// Line-protocol readings a test posts to the gateway, each with a unique millisecond timestamp per series, and
/// what was acknowledged (204), so that the test can check what a target holds against it.
/// </summary>
public sealed class PostedReadings
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Dictionary<string, (int Count, double Sum)> acknowledged = new(StringComparer.Ordinal);
    private readonly HashSet<(string Home, long Milliseconds)> acknowledgedPoints = [];
    private int next;

    public PostedReadings(int homes) => Homes = homes;

    public int Homes { get; }

    /// <summary>Per home: acknowledged readings and the sum of their values.</summary>
    public IReadOnlyDictionary<string, (int Count, double Sum)> Acknowledged => acknowledged;

    public IReadOnlySet<(string Home, long Milliseconds)> AcknowledgedPoints => acknowledgedPoints;

    public int AcknowledgedCount => acknowledgedPoints.Count;

    /// <summary>The next <paramref name="count"/> readings, spread over the homes, as a line-protocol body.</summary>
    public (string Body, List<(string Home, long Milliseconds, double Value)> Points) Next(int count)
    {
        var body = new StringBuilder();
        var points = new List<(string, long, double)>(count);
        for (var i = 0; i < count; i++, next++)
        {
            var home = $"h{next % Homes:D2}";
            var milliseconds = Start.ToUnixTimeMilliseconds() + (next / Homes * 1000L);
            var value = Math.Round(1000 + (next * 0.25), 2);
            points.Add((home, milliseconds, value));
            body.Append(CultureInfo.InvariantCulture, $"meter,home={home} energy={value} {milliseconds}\n");
        }

        return (body.ToString(), points);
    }

    public void MarkAcknowledged(List<(string Home, long Milliseconds, double Value)> points)
    {
        foreach (var (home, milliseconds, value) in points)
        {
            if (acknowledgedPoints.Add((home, milliseconds)))
            {
                acknowledged[home] = acknowledged.TryGetValue(home, out var total) ? (total.Count + 1, total.Sum + value) : (1, value);
            }
        }
    }

    /// <summary>Per home, count and sum of <c>meter.energy</c> in an influxd database.</summary>
    public static async Task<Dictionary<string, (int Count, double Sum)>> InInfluxdAsync(InfluxdServer influxd, string database)
    {
        var result = new Dictionary<string, (int, double)>(StringComparer.Ordinal);
        var series = await influxd.QueryAsync(database, "SELECT count(\"energy\"), sum(\"energy\") FROM \"meter\" GROUP BY \"home\"");
        foreach (var one in series)
        {
            result[one.Tags["home"]] = ((int)one.AggregateOrZero(0, "count"), one.AggregateOrZero(0, "sum"));
        }

        return result;
    }

    /// <summary>Every (home, ms) point of <c>meter.energy</c> in an influxd database.</summary>
    public static async Task<HashSet<(string Home, long Milliseconds)>> PointsInInfluxdAsync(InfluxdServer influxd, string database)
    {
        var points = new HashSet<(string, long)>();
        var series = await influxd.QueryAsync(database, "SELECT \"energy\" FROM \"meter\" GROUP BY \"home\"");
        foreach (var one in series)
        {
            for (var row = 0; row < one.Values.Count; row++)
            {
                points.Add((one.Tags["home"], one[row, "time"].GetInt64()));
            }
        }

        return points;
    }

    /// <summary>Polls until <paramref name="read"/> equals what was acknowledged (per home count and sum).</summary>
    public async Task WaitUntilArrivedAsync(Func<Task<Dictionary<string, (int Count, double Sum)>>> read, TimeSpan timeout, Func<string> context)
    {
        var deadline = DateTime.UtcNow + timeout;
        Dictionary<string, (int Count, double Sum)> actual = [];
        while (DateTime.UtcNow < deadline)
        {
            actual = await read();
            if (Matches(actual))
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"Expected per home {Describe(acknowledged)}, target holds {Describe(actual)}\n{context()}");
    }

    private bool Matches(Dictionary<string, (int Count, double Sum)> actual) =>
        actual.Count == acknowledged.Count
        && acknowledged.All(pair => actual.TryGetValue(pair.Key, out var got)
            && got.Count == pair.Value.Count
            && Math.Abs(got.Sum - pair.Value.Sum) < 1e-6 * Math.Max(1, Math.Abs(pair.Value.Sum)));

    private static string Describe(IReadOnlyDictionary<string, (int Count, double Sum)> totals) =>
        string.Join(", ", totals.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value.Count}/{p.Value.Sum}"));
}
