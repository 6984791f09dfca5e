using System.Device.Gpio;
using System.Globalization;
using Loos.Edge.Core;
using Loos.Edge.Core.Clock;
using Loos.Edge.Gpio.Drivers;
using Loos.Edge.Lighting.Dispatch;
using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Schedule;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Lighting.Tests;

/// <summary>
/// The dispatcher driving a cabinet contactor on the simulated GPIO driver through a December night in Paris, on a
/// fake clock: the programme's steps, an override, and a system clock that is not trusted.
/// </summary>
public sealed class DispatcherTests : IDisposable
{
    private const int Pin = 17;
    private const string Gateway = "loos-edge-gare";
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-dispatch-").FullName;
    private readonly GpioController gpio = new(new SimulatedGpioDriver());
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 4, 15, 0, 0, TimeSpan.Zero));
    private readonly ClockTrustSwitch clock = new();
    private readonly RecordingSink sink = new();
    private readonly SeriesCatalog catalog = new();
    private readonly LightingOptions options = new()
    {
        SafeLevel = 100,
        MinimumBurnTime = TimeSpan.Zero,
        Circuits = { new CircuitOptions { Name = "armoire-gare", Kind = CircuitKind.Relay, Pin = Pin, RatedPowerW = 400 } },
        Programmes =
        {
            new ProgrammeOptions
            {
                Name = "soir",
                Steps =
                {
                    new StepOptions { At = "18:00", Level = 100 },
                    new StepOptions { At = "23:00", Level = 0 },
                    new StepOptions { At = "05:00", Level = 100 },
                    new StepOptions { At = "07:00", Level = 0 },
                },
            },
        },
        Calendar = { new CalendarRuleOptions { Programme = "soir" } },
    };

    private readonly OverrideStore overrides;
    private readonly LightingDispatcher dispatcher;

    public DispatcherTests()
    {
        overrides = new OverrideStore(Path.Combine(directory, "overrides.dat"), ["armoire-gare"], time);
        var planner = new LightingPlanner(options, null, Paris);
        var series = new LightingSeries(catalog, sink, Gateway, NullLogger<LightingSeries>.Instance);
        dispatcher = new LightingDispatcher(
            options, planner, overrides, [new RelayCircuitOutput(options.Circuits[0], new LightingGpio(() => gpio))], clock, series, new NightBook(options, planner, series, null, Paris), time, NullLogger<LightingDispatcher>.Instance);
    }

    [Fact]
    public async Task Relay_FollowsTheProgrammeStepByStep_AndEachCommandIsConfirmedByTheLine()
    {
        await At("2026-12-04T16:00");
        Assert.Equal(PinValue.Low, Line());

        await At("2026-12-04T18:00:01");
        Assert.Equal(PinValue.High, Line());

        await At("2026-12-04T23:00");
        Assert.Equal(PinValue.Low, Line());
        await At("2026-12-05T05:30");
        Assert.Equal(PinValue.High, Line());
        await At("2026-12-05T07:00");
        Assert.Equal(PinValue.Low, Line());

        // Every command is recorded, sent then confirmed: off, on, off, on, off.
        Assert.Equal([0, 100, 0, 100, 0], Commands("confirmed"));
        Assert.Equal(5, Commands("sent").Count);
        Assert.Equal("following", Circuit().State);
    }

    [Fact]
    public async Task Override_WinsOverTheProgrammeUntilItExpires()
    {
        await At("2026-12-04T18:30");
        overrides.Add(null, 0, Local("2026-12-04T19:00"), Local("2026-12-04T20:00"), "travaux rue de la gare");

        await At("2026-12-04T18:45");
        Assert.Equal(PinValue.High, Line());
        await At("2026-12-04T19:00");
        Assert.Equal(PinValue.Low, Line());
        await At("2026-12-04T20:00");
        Assert.Equal(PinValue.High, Line());
    }

    [Fact]
    public async Task UntrustedClock_SafeLevelWhenNothingWasConfirmed_ThenTheLastConfirmedLevelIsKept()
    {
        // A Pi booting without NTP: nothing confirmed yet, so the safe level (lit) rather than a guess from a stale date.
        clock.Problem = "the system clock is not synchronised";
        await At("2026-12-04T16:00");
        Assert.Equal(PinValue.High, Line());
        var health = dispatcher.GetDevices();
        Assert.Contains(health, d => d.Device == "clock" && d.State == "untrusted" && d.Detail!.Contains("not synchronised", StringComparison.Ordinal));

        // Synchronised: the plan applies (off at 16:00).
        clock.Problem = null;
        await At("2026-12-04T16:01");
        Assert.Equal(PinValue.Low, Line());

        // The clock is lost again, at a time when the programme would light (18:00): the circuit keeps its confirmed state.
        clock.Problem = "the system clock is not synchronised";
        await At("2026-12-04T18:30");
        Assert.Equal(PinValue.Low, Line());
        Assert.Equal([100, 0], Commands("confirmed"));
    }

    [Fact]
    public async Task Relay_OnABoardWithoutGpio_TheCircuitIsNotFollowingAndTheGatewayGoesOn()
    {
        var planner = new LightingPlanner(options, null, Paris);
        var series = new LightingSeries(catalog, sink, Gateway, NullLogger<LightingSeries>.Instance);
        var noGpio = new LightingGpio(() => throw new InvalidOperationException("no GPIO chip (/dev/gpiochip0)"));
        using var withoutGpio = new LightingDispatcher(
            options, planner, overrides, [new RelayCircuitOutput(options.Circuits[0], noGpio)], clock, series, new NightBook(options, planner, series, null, Paris), time, NullLogger<LightingDispatcher>.Instance);

        time.SetUtcNow(Local("2026-12-04T18:30"));
        await withoutGpio.EvaluateAsync(time.GetUtcNow(), CancellationToken.None);
        time.Advance(options.ConfirmTimeout);
        await withoutGpio.EvaluateAsync(time.GetUtcNow(), CancellationToken.None);

        var circuit = Assert.Single(withoutGpio.GetDevices(), d => d.Device == "armoire-gare");
        Assert.Equal("not-following", circuit.State);
        Assert.Contains("no GPIO chip", circuit.Detail, StringComparison.Ordinal);
        Assert.Equal(2, Commands("unsent").Count);
    }

    [Fact]
    public async Task Plan_TheNightInProgressAndTheSevenAfterArePublished_WithTheGatewayTag()
    {
        await At("2026-12-04T16:00");

        var plan = PlanAsInfluxKeepsIt();
        var evenings = plan.Where(p => p.Value == 100 && TimeZoneInfo.ConvertTime(p.Key, Paris).Hour == 18)
            .Select(p => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(p.Key, Paris).DateTime)).ToList();
        Assert.Equal([.. Enumerable.Range(4, 8).Select(day => new DateOnly(2026, 12, day))], evenings);
        Assert.All(
            sink.Readings.Select(r => catalog[r.Series]).Where(k => k.Measurement.StartsWith("lighting_", StringComparison.Ordinal)),
            key => Assert.Equal(Gateway, key.GetTag("gateway")));
    }

    [Fact]
    public async Task Plan_AnOverrideInTheWeekAhead_ThenCancelled_LeavesTheProgrammesLevelsInInflux()
    {
        await At("2026-12-04T16:00");
        var before = LevelsEveryQuarterHour(PlanAsInfluxKeepsIt());

        var works = overrides.Add(["armoire-gare"], 0, Local("2026-12-08T19:00"), Local("2026-12-08T21:00"), "travaux");
        await At("2026-12-04T16:01");
        var during = LevelsEveryQuarterHour(PlanAsInfluxKeepsIt());
        Assert.Equal(0, during[Local("2026-12-08T19:30")]);
        Assert.Equal(100, during[Local("2026-12-08T21:00")]);

        // InfluxDB cannot forget the override's steps: they are written again at the programme's level.
        Assert.True(overrides.Cancel(works.Override!.Id));
        await At("2026-12-04T16:02");
        Assert.Equal(before, LevelsEveryQuarterHour(PlanAsInfluxKeepsIt()));
    }

    [Fact]
    public async Task Sun_EachPublishedNightHasItsSunTimes_AsPyEphemGivesThem()
    {
        // Loos-en-Gohelle; civil dawn and dusk of 2026-12-21 from PyEphem 4.1.4 (as in SolarCalculatorTests).
        var planner = new LightingPlanner(options, new Loos.Edge.Modules.SiteLocation(50.457, 2.793), Paris);
        var series = new LightingSeries(catalog, sink, Gateway, NullLogger<LightingSeries>.Instance);
        var book = new NightBook(options, planner, series, null, Paris);

        await book.KeepAsync(Local("2026-12-15T16:00"), [], CancellationToken.None);

        var sun = sink.Readings.Where(r => catalog[r.Series].Measurement == "lighting_sun").ToList();
        Assert.Equal(8 * 4, sun.Count);
        Assert.Equal(8, sun.Select(r => r.Timestamp).Distinct().Count());
        double Event(string night, string field) =>
            Assert.Single(sun, r => r.Timestamp == Local(night + "T12:00") && catalog[r.Series].Field == field).Value;
        Assert.InRange(Event("2026-12-20", "civil_dawn") - DateTimeOffset.Parse("2026-12-21T07:07:49Z", CultureInfo.InvariantCulture).ToUnixTimeSeconds(), -60, 60);
        Assert.InRange(Event("2026-12-21", "civil_dusk") - DateTimeOffset.Parse("2026-12-21T16:25:58Z", CultureInfo.InvariantCulture).ToUnixTimeSeconds(), -60, 60);
    }

    [Fact]
    public void Command_ResendsBackOff_FromTheTimeoutUpToTheLongestDelay()
    {
        var command = new CircuitCommand(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
        var now = DateTimeOffset.UnixEpoch;
        command.Command(50, now);
        var deadlines = new List<double>();
        for (var send = 0; send < 7; send++)
        {
            command.Sent(now);
            deadlines.Add((command.Deadline - now).TotalMinutes);
            now = command.Deadline;
        }

        Assert.Equal([1, 2, 4, 8, 10, 10, 10], deadlines);
        Assert.True(command.Missed());
        Assert.False(command.Missed());
    }

    public void Dispose()
    {
        dispatcher.Dispose();
        gpio.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private static DateTimeOffset Local(string local)
    {
        var time = DateTime.Parse(local, CultureInfo.InvariantCulture);
        return new DateTimeOffset(time, Paris.GetUtcOffset(time));
    }

    private async Task<DateTimeOffset> At(string local)
    {
        time.SetUtcNow(Local(local));
        return await dispatcher.EvaluateAsync(time.GetUtcNow(), CancellationToken.None);
    }

    /// <summary>The contactor's line, as the driver holds it.</summary>
    private PinValue Line() => gpio.Read(Pin);

    private DeviceStatus Circuit() => Assert.Single(dispatcher.GetDevices(), d => d.Device == "armoire-gare");

    private List<int> Commands(string outcome) =>
    [
        .. sink.Readings
            .Where(r => catalog[r.Series] is var key && key.Measurement == "lighting_command" && key.Field == "level" && key.GetTag("outcome") == outcome)
            .Select(r => (int)r.Value),
    ];

    /// <summary>The plan's points as InfluxDB keeps them: a point written again at the same instant replaces the first.</summary>
    private SortedDictionary<DateTimeOffset, int> PlanAsInfluxKeepsIt()
    {
        var points = new SortedDictionary<DateTimeOffset, int>();
        foreach (var reading in sink.Readings.Where(r => catalog[r.Series].Measurement == "lighting_plan"))
        {
            points[reading.Timestamp] = (int)reading.Value;
        }

        return points;
    }

    /// <summary>The level in force every quarter of an hour of the published week, as a page reading those points shows it.</summary>
    private static Dictionary<DateTimeOffset, int> LevelsEveryQuarterHour(SortedDictionary<DateTimeOffset, int> points)
    {
        var levels = new Dictionary<DateTimeOffset, int>();
        for (var at = points.Keys.First(); at <= points.Keys.Last(); at += TimeSpan.FromMinutes(15))
        {
            levels[at] = points.Last(p => p.Key <= at).Value;
        }

        return levels;
    }

    private sealed class ClockTrustSwitch : IClockTrust
    {
        public string? Problem { get; set; }

        public string? WhyNotTrusted() => Problem;
    }

    private sealed class RecordingSink : IReadingSink
    {
        public List<Reading> Readings { get; } = [];

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default)
        {
            Readings.AddRange(readings.ToArray());
            return ValueTask.CompletedTask;
        }
    }
}
