using Loos.Edge.Core;
using Loos.Edge.Forwarding.Clock;
using Loos.Edge.Forwarding.Tests.Support;
using Loos.Edge.Testing;

namespace Loos.Edge.Forwarding.Tests.Clock;

/// <summary>
/// A Pi that boots with its clock three years behind: readings taken before NTP sets it reach a real influxd only
/// after, at their true times; those of a boot that ended before synchronisation never reach it at the stale time.
/// </summary>
public sealed class ClockGateTests : IAsyncLifetime, IDisposable
{
    private const int Count = 20;
    private static readonly TimeSpan ThreeYears = TimeSpan.FromDays(3 * 365);
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-clock-").FullName;
    private readonly SeriesCatalog catalog = new();
    private readonly SteppedClock clock = new(TimeProvider.System) { WallError = -ThreeYears };
    private readonly SwitchableClockTrust trust = new();
    private readonly Guid boot = Guid.NewGuid();
    private InfluxdServer influxd = null!;

    public async Task InitializeAsync()
    {
        influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync("site");
    }

    public async Task DisposeAsync() => await influxd.DisposeAsync();

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task ReadingsTakenBeforeSync_ArriveAfterItAtTheirTrueTimes()
    {
        await using var host = new ClockGateHost(directory, catalog, clock, trust, boot, influxd);
        await host.StartAsync();
        var truth = await AppendPollsAsync(host);
        // A reading carrying a time of its own (a peer's timestamp) is not the clock's to correct: it passes at once.
        var peerTime = clock.TrueNow.AddHours(-1);
        await host.Sink.AppendAsync(new[] { new Reading(Series("peer"), peerTime, 1) });
        await WaitForPointsAsync("peer", 1);

        Assert.Empty(await TimesAsync("energy"));
        var held = host.Clock.GetClockStatus();
        Assert.False(held.Synchronised);
        Assert.Equal(Count, held.HeldReadings);

        // NTP steps the wall clock by three years; the monotonic clock goes on.
        clock.WallError = TimeSpan.Zero;
        trust.Synchronised = true;

        AssertWithinOneSecond(truth, await WaitForPointsAsync("energy", Count));
        Assert.Equal([peerTime.ToUnixTimeMilliseconds()], (await TimesAsync("peer")).Select(t => t.ToUnixTimeMilliseconds()));
        var released = host.Clock.GetClockStatus();
        Assert.True(released.Synchronised);
        Assert.Equal(0, released.HeldReadings);
    }

    [Fact]
    public async Task PollStampedJustBeforeTheStep_AppendedJustAfter_IsCorrectedToo()
    {
        await using var host = new ClockGateHost(directory, catalog, clock, trust, boot, influxd);
        await host.StartAsync();
        var truth = await AppendPollsAsync(host);
        var takenAt = clock.TrueNow;
        var staleStamp = clock.GetUtcNow();

        clock.WallError = TimeSpan.Zero;
        trust.Synchronised = true;
        await ForwarderHost.WaitUntilAsync(() => host.Clock.GetClockStatus().Synchronised, "the clock gate saw the synchronisation");
        await host.Sink.AppendAsync(new[] { new Reading(Series("energy"), staleStamp, 99) });

        AssertWithinOneSecond([.. truth, takenAt], await WaitForPointsAsync("energy", Count + 1));
    }

    [Fact]
    public async Task StopBeforeSync_ThenRestartInTheSameBoot_TheTimesAreStillCorrected()
    {
        DateTimeOffset[] truth;
        await using (var before = new ClockGateHost(directory, catalog, clock, trust, boot, influxd))
        {
            await before.StartAsync();
            truth = await AppendPollsAsync(before);
        }

        await using var after = new ClockGateHost(directory, catalog, clock, trust, boot, influxd);
        await after.StartAsync();
        Assert.Equal(Count, after.Clock.GetClockStatus().HeldReadings);
        clock.WallError = TimeSpan.Zero;
        trust.Synchronised = true;

        AssertWithinOneSecond(truth, await WaitForPointsAsync("energy", Count));
    }

    [Fact]
    public async Task StopBeforeSync_ThenReboot_TheReadingsAreSetAsideMarkedNotSentAtTheStaleTime()
    {
        await using (var before = new ClockGateHost(directory, catalog, clock, trust, boot, influxd))
        {
            await before.StartAsync();
            await AppendPollsAsync(before);
        }

        // Another boot: the monotonic clock started again, so the stale times cannot be corrected.
        clock.WallError = TimeSpan.Zero;
        trust.Synchronised = true;
        await using var after = new ClockGateHost(directory, catalog, clock, trust, Guid.NewGuid(), influxd);
        await after.StartAsync();
        await after.Sink.AppendAsync(new[] { new Reading(Series("peer"), clock.GetUtcNow(), 1) });
        await WaitForPointsAsync("peer", 1);

        Assert.Empty(await TimesAsync("energy"));
        var status = after.Clock.GetClockStatus();
        Assert.Equal(Count, status.SetAsideReadings);
        var lines = File.ReadAllLines(Path.Combine(directory, ClockGate.SetAsideFileName)).Where(l => l.StartsWith("energy,", StringComparison.Ordinal)).ToList();
        Assert.Equal(Count, lines.Count);
        Assert.All(lines, line => Assert.Contains("wh_quality=\"clock-unsynced\"", line, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(directory, ClockGate.HeldFolder)), "the held readings were not cleared");
    }

    private SeriesId Series(string measurement) => catalog.Intern(new SeriesKey(measurement, [new Tag("meter", "m1")], "wh", "Wh"));

    /// <summary>Appends readings stamped by the stale wall clock, 100 ms apart, as polls would; returns their true times.</summary>
    private async Task<DateTimeOffset[]> AppendPollsAsync(ClockGateHost host)
    {
        var trueNow = clock.TrueNow;
        var staleNow = clock.GetUtcNow();
        Assert.True(trueNow - staleNow > TimeSpan.FromDays(1000), "the wall clock is not stale");
        var readings = Enumerable.Range(0, Count).Select(i => new Reading(Series("energy"), staleNow.AddMilliseconds(100 * i), i)).ToArray();
        await host.Sink.AppendAsync(readings);
        return [.. Enumerable.Range(0, Count).Select(i => trueNow.AddMilliseconds(100 * i))];
    }

    private async Task<IReadOnlyList<DateTimeOffset>> TimesAsync(string measurement)
    {
        var series = await influxd.QueryAsync("site", $"SELECT wh FROM {measurement}");
        return series.Count == 0 ? [] : [.. series[0].Values.Select(row => DateTimeOffset.FromUnixTimeMilliseconds(row[0].GetInt64()))];
    }

    private async Task<IReadOnlyList<DateTimeOffset>> WaitForPointsAsync(string measurement, int count)
    {
        IReadOnlyList<DateTimeOffset> times = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((times = await TimesAsync(measurement)).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{times.Count} of {count} {measurement} points arrived.");
            await Task.Delay(50);
        }

        return times;
    }

    private static void AssertWithinOneSecond(DateTimeOffset[] truth, IReadOnlyList<DateTimeOffset> arrived)
    {
        Assert.Equal(truth.Length, arrived.Count);
        foreach (var (expected, actual) in truth.Order().Zip(arrived.Order()))
        {
            Assert.InRange(actual, expected.AddSeconds(-1), expected.AddSeconds(1));
        }
    }
}
