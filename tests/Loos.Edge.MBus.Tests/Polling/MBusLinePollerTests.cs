using Loos.Edge.Core;
using Loos.Edge.MBus.Master;
using Loos.Edge.MBus.Polling;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.MBus.Tests.Polling;

public sealed class MBusLinePollerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 14, 11, 59, 57, 300, TimeSpan.Zero);
    private static readonly MBusMeterAddress Five = MBusMeterAddress.Primary(5);
    private static readonly MBusMeterAddress Six = MBusMeterAddress.Primary(6);
    private static readonly MBusMeterAddress Secondary = MBusMeterAddress.Secondary(MBusSecondaryAddress.ForMeter("06855817"));

    private readonly FakeTimeProvider clock = new(Start);
    private readonly SeriesCatalog catalog = new();
    private readonly ListLogger logger = new();
    private readonly RecordingSink sink;
    private readonly ScriptedMBusReader reader;

    public MBusLinePollerTests()
    {
        sink = new RecordingSink(catalog);
        reader = new ScriptedMBusReader(clock);
        reader.SetMeter(Five, ("energy", "Wh", 12_345_000), ("power", "W", 4_200));
        reader.SetMeter(Six, ("energy", "Wh", 777_000), ("power", "W", 0));
        reader.SetMeter(Secondary, ("energy", "Wh", 37_351_000), ("power", "W", 34_700));
    }

    [Fact]
    public async Task PollDueAsync_HeatMeter_ReadingsInTheHeatMeterSeriesStampedWithTheAlignedTick()
    {
        using var poller = CreatePoller(Line(Meter("home-12", "12", address: 5)));
        clock.Advance(TimeSpan.FromMilliseconds(400));

        await PollAtNextTickAsync(poller);

        var readings = sink.All;
        Assert.Equal(3, readings.Count);
        Assert.All(readings, x => Assert.Equal(new DateTimeOffset(2026, 1, 14, 12, 0, 0, TimeSpan.Zero), x.Reading.Timestamp));
        Assert.All(readings, x => Assert.Equal(Quality.Good, x.Reading.Quality));
        var energy = Assert.Single(readings, x => x.Series.Field == "energy");
        Assert.Equal(12_345_000, energy.Reading.Value);
        Assert.Equal(("heat_meter", "12", "home-12", "residence-les-tilleuls", "Wh"),
            (energy.Series.Measurement, energy.Series.GetTag("home"), energy.Series.GetTag("device"), energy.Series.GetTag("building"), energy.Series.Unit));
        Assert.Equal(4_200, Assert.Single(readings, x => x.Series.Field == "power").Reading.Value);
        Assert.Equal(ValueKind.Integer, Assert.Single(readings, x => x.Series.Field == "status").Series.Kind);
    }

    [Fact]
    public async Task PollDueAsync_MetersOfDifferentIntervals_EachReadAtItsOwnTicks()
    {
        using var poller = CreatePoller(Line(
            Meter("home-12", "12", address: 5, interval: TimeSpan.FromMinutes(15)),
            Meter("home-14", "14", address: 6, interval: TimeSpan.FromMinutes(5))));

        for (var cycle = 0; cycle < 4; cycle++)
        {
            await PollAtNextTickAsync(poller);
        }

        var noon = new DateTimeOffset(2026, 1, 14, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal([noon, noon.AddMinutes(15)], reader.Requests.Where(r => r.Address == Five).Select(r => r.At));
        Assert.Equal([noon, noon.AddMinutes(5), noon.AddMinutes(10), noon.AddMinutes(15)], reader.Requests.Where(r => r.Address == Six).Select(r => r.At));
        Assert.Equal([noon, noon.AddMinutes(5), noon.AddMinutes(10), noon.AddMinutes(15)],
            sink.Of("home-14").Where(x => x.Series.Field == "energy").Select(x => x.Reading.Timestamp));
    }

    [Fact]
    public async Task PollDueAsync_SlowMeterFirst_TheOthersAreReadAfterItAndKeepTheirTick()
    {
        reader.Durations[Five] = TimeSpan.FromSeconds(20);
        using var poller = CreatePoller(Line(
            Meter("slow", "12", address: 5, interval: TimeSpan.FromMinutes(1)),
            Meter("home-14", "14", address: 6, interval: TimeSpan.FromMinutes(1)),
            Meter("home-16", "16", secondary: "06855817", interval: TimeSpan.FromMinutes(1))));
        var ticks = new List<DateTimeOffset>();

        for (var cycle = 0; cycle < 5; cycle++)
        {
            ticks.Add(poller.NextDue);
            await PollAtNextTickAsync(poller);
        }

        // One request at a time: the others wait for the slow readout, but every tick of theirs is read and stamped.
        Assert.Equal(ticks.Select(t => t.AddSeconds(20)), reader.Requests.Where(r => r.Address == Six).Select(r => r.At));
        Assert.Equal(ticks, sink.Of("home-14").Where(x => x.Series.Field == "energy").Select(x => x.Reading.Timestamp));
        Assert.Equal(ticks, sink.Of("home-16").Where(x => x.Series.Field == "energy").Select(x => x.Reading.Timestamp));
        Assert.Equal(ticks, sink.Of("slow").Where(x => x.Series.Field == "energy").Select(x => x.Reading.Timestamp));
    }

    [Fact]
    public async Task PollDueAsync_MeterFallsSilent_StaleReadingsThenOfflineWithBackoffThenBackWithGoodReadings()
    {
        var line = Line(Meter("home-12", "12", address: 5, interval: TimeSpan.FromSeconds(10)), Meter("home-14", "14", address: 6, interval: TimeSpan.FromSeconds(10)));
        using var poller = CreatePoller(line);
        await PollAtNextTickAsync(poller);
        var firstTick = sink.All[0].Reading.Timestamp;
        reader.Silent.Add(Five);

        for (var cycle = 1; cycle <= 9; cycle++)
        {
            await PollAtNextTickAsync(poller);
        }

        // Three unanswered readouts (ticks 1-3) take it offline; then one probe per back-off of 10 and 20 s: ticks 4 and 6.
        Assert.Equal([0, 1, 2, 3, 4, 6], reader.Requests.Where(r => r.Address == Five).Select(r => (int)((r.At - firstTick).TotalSeconds / 10)));
        Assert.Equal(DeviceState.Offline, poller.StateOf("home-12"));
        Assert.Equal([new DeviceStatus("cellar", "home-12", false, BackedOff: true), new DeviceStatus("cellar", "home-14", true)], poller.DeviceStatuses);
        var offline = Assert.Single(logger.Warnings);
        Assert.Contains("cellar", offline, StringComparison.Ordinal);
        Assert.Contains("home-12", offline, StringComparison.Ordinal);
        Assert.Contains("primary address 5", offline, StringComparison.Ordinal);

        // Every tick of the silence has a stale reading of each field the meter gave, and no value.
        var silent = sink.Of("home-12").Where(x => x.Reading.Timestamp > firstTick).ToList();
        Assert.Equal(9 * 3, silent.Count);
        Assert.All(silent, x => Assert.True(x.Reading.Quality == Quality.Stale && double.IsNaN(x.Reading.Value)));
        Assert.Equal(9, silent.Count(x => x.Series.Field == "energy"));
        Assert.All(sink.Of("home-14"), x => Assert.Equal(Quality.Good, x.Reading.Quality));
        Assert.Equal(10 * 3, sink.Of("home-14").Count());

        reader.Silent.Clear();
        for (var cycle = 10; cycle <= 11; cycle++)
        {
            await PollAtNextTickAsync(poller);
        }

        // The back-off after tick 6 is 40 s: the probe at tick 10 answers, and tick 11 is read as usual.
        Assert.Equal([10, 11], reader.Requests.Where(r => r.Address == Five).Skip(6).Select(r => (int)((r.At - firstTick).TotalSeconds / 10)));
        Assert.Equal(DeviceState.Online, poller.StateOf("home-12"));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("home-12", StringComparison.Ordinal) && e.Message.Contains("answers again", StringComparison.Ordinal));
        var recovered = sink.Of("home-12").Where(x => x.Reading.Timestamp >= firstTick.AddSeconds(100)).ToList();
        Assert.Equal(2 * 3, recovered.Count);
        Assert.All(recovered, x => Assert.Equal(Quality.Good, x.Reading.Quality));
    }

    [Fact]
    public async Task PollDueAsync_MeterNeverAnswered_StaleEnergyReading()
    {
        reader.Silent.Add(Five);
        using var poller = CreatePoller(Line(Meter("home-12", "12", address: 5)));

        await PollAtNextTickAsync(poller);

        var stale = Assert.Single(sink.All);
        Assert.Equal(("heat_meter", "energy", "12", Quality.Stale), (stale.Series.Measurement, stale.Series.Field, stale.Series.GetTag("home"), stale.Reading.Quality));
        Assert.True(double.IsNaN(stale.Reading.Value));
    }

    [Fact]
    public async Task PollDueAsync_InvalidReply_LoggedWithReasonAndOffsetAndTheOtherMetersAreRead()
    {
        reader.Invalid[Five] = ("checksum mismatch", 42);
        using var poller = CreatePoller(Line(Meter("home-12", "12", address: 5), Meter("home-14", "14", address: 6)));

        await PollAtNextTickAsync(poller);

        var warning = Assert.Single(logger.Warnings);
        Assert.Contains("home-12", warning, StringComparison.Ordinal);
        Assert.Contains("checksum mismatch at byte 42", warning, StringComparison.Ordinal);
        Assert.All(sink.Of("home-12"), x => Assert.Equal(Quality.Stale, x.Reading.Quality));
        Assert.Equal(777_000, Assert.Single(sink.Of("home-14"), x => x.Series.Field == "energy").Reading.Value);
        // It answered, garbled: present on the line, so not backed off.
        Assert.Equal(DeviceState.Online, poller.StateOf("home-12"));
    }

    [Fact]
    public async Task PollDueAsync_HeatMeterWithoutSomeQuantities_MissingFieldsLoggedOnceAndAbsent()
    {
        using var poller = CreatePoller(Line(Meter("home-12", "12", address: 5, interval: TimeSpan.FromMinutes(1))));

        for (var cycle = 0; cycle < 3; cycle++)
        {
            await PollAtNextTickAsync(poller);
        }

        var missing = Assert.Single(logger.Entries, e => e.Message.Contains("sends no", StringComparison.Ordinal));
        Assert.Contains("volume, flow, supply_temperature, return_temperature, temperature_difference, meter_time", missing.Message, StringComparison.Ordinal);
        Assert.Equal(["energy", "power", "status"], sink.All.Select(x => x.Series.Field).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PollDueAsync_AllRecordsProfile_FieldsInTheMBusMeasurement()
    {
        var meter = Meter("water-main", home: null, address: 6);
        meter.Profile = "all-records";
        using var poller = CreatePoller(Line(meter));

        await PollAtNextTickAsync(poller);

        Assert.All(sink.All, x => Assert.Equal("mbus", x.Series.Measurement));
        Assert.Equal(["energy", "power", "status"], sink.All.Select(x => x.Series.Field).Order(StringComparer.Ordinal));
        Assert.Null(sink.All[0].Series.GetTag("home"));
    }

    [Fact]
    public async Task RunAsync_UntilCancelled_ReadsAtEveryTick()
    {
        using var poller = CreatePoller(Line(Meter("home-12", "12", address: 5, interval: TimeSpan.FromMinutes(1))));
        using var stop = new CancellationTokenSource();
        var run = poller.RunAsync(stop.Token);

        for (var minute = 0; minute < 3; minute++)
        {
            clock.SetUtcNow(poller.NextDue);
            await WaitUntilAsync(() => reader.Requests.Count > minute);
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        var noon = new DateTimeOffset(2026, 1, 14, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal([noon, noon.AddMinutes(1), noon.AddMinutes(2)], reader.Requests.Select(r => r.At));
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the condition was not met within 5 s");
    }

    [Fact]
    public async Task PollDueAsync_BufferRefusesTheReadings_CountedAsDroppedOnTheMeterInHealthAndLoggedOncePerMinute()
    {
        var full = new RefusingSink(sink) { Full = true };
        var problems = new ConfigurationProblems();
        var plan = Assert.Single(MBusPlanner.Plan(new MBusOptions { Lines = { Line(Meter("home-12", "12", address: 5, interval: TimeSpan.FromMinutes(1)), Meter("home-14", "14", address: 6, interval: TimeSpan.FromMinutes(1))) } }, problems));
        Assert.Empty(problems);
        using var poller = new MBusLinePoller(plan, reader, full, catalog, clock, logger);

        await PollAtNextTickAsync(poller);
        await PollAtNextTickAsync(poller);
        full.Full = false;
        await PollAtNextTickAsync(poller);

        var dropped = poller.DeviceStatuses.ToDictionary(d => d.Device, d => d.DroppedReadings);
        var perReadout = sink.Of("home-12").Count();
        Assert.True(perReadout > 0);
        Assert.Equal(2 * perReadout, dropped["home-12"]);
        Assert.Equal(2 * sink.Of("home-14").Count(), dropped["home-14"]);
        Assert.All(poller.DeviceStatuses, d => Assert.True(d.Answering));

        // Four batches refused over two ticks a minute apart: one line per minute, the second counting what it covers.
        var refused = logger.Entries.Where(e => e.Level == LogLevel.Error).Select(e => e.Message).ToList();
        Assert.Equal(2, refused.Count);
        Assert.Contains("M-Bus line cellar: the buffer refused readings; dropped since the last report: ", refused[1], StringComparison.Ordinal);
        Assert.EndsWith("in 2 batch(es); the next polls bring fresh values: the buffer is at its disk cap", refused[1], StringComparison.Ordinal);
    }

    /// <summary>Refuses every batch with <see cref="BufferFullException"/> while <see cref="Full"/>, as a buffer at its disk cap does.</summary>
    private sealed class RefusingSink(IReadingSink inner) : IReadingSink
    {
        public bool Full { get; set; }

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) =>
            Full ? throw new BufferFullException("the buffer is at its disk cap") : inner.AppendAsync(readings, cancellationToken);
    }

    private MBusLinePoller CreatePoller(MBusPolledLineOptions line)
    {
        var problems = new ConfigurationProblems();
        var plan = Assert.Single(MBusPlanner.Plan(new MBusOptions { Lines = { line } }, problems));
        Assert.Empty(problems);
        return new MBusLinePoller(plan, reader, sink, catalog, clock, logger);
    }

    private async Task PollAtNextTickAsync(MBusLinePoller poller)
    {
        clock.SetUtcNow(poller.NextDue);
        await poller.PollDueAsync(CancellationToken.None);
    }

    internal static MBusPolledLineOptions Line(params MBusMeterOptions[] meters)
    {
        var line = new MBusPolledLineOptions { Name = "cellar", Device = "/dev/ttyUSB0", OfflineAfterTimeouts = 3, InitialBackoff = TimeSpan.FromSeconds(10) };
        line.Meters.AddRange(meters);
        return line;
    }

    internal static MBusMeterOptions Meter(string name, string? home, int? address = null, string? secondary = null, TimeSpan? interval = null) => new()
    {
        Name = name,
        Home = home,
        Address = address,
        Secondary = secondary,
        Interval = interval ?? TimeSpan.FromMinutes(15),
        Tags = { ["building"] = "residence-les-tilleuls" },
    };
}
