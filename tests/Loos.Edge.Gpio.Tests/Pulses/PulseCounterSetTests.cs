using System.Device.Gpio;
using Loos.Edge.Core;
using Loos.Edge.Gpio.Drivers;
using Loos.Edge.Gpio.Pulses;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Gpio.Tests.Pulses;

public sealed class PulseCounterSetTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 15, 10, 0, 30, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(Start);
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-pulses-").FullName;
    private readonly SeriesCatalog catalog = new();
    private readonly RecordingSink sink;
    private readonly ListLogger logger = new();
    private readonly SimulatedGpioDriver driver = new();
    private readonly List<PulseCounterSet> sets = [];

    public PulseCounterSetTests() => sink = new RecordingSink(catalog);

    public void Dispose()
    {
        foreach (var set in sets)
        {
            set.Dispose();
        }

        driver.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private static PulseCounterOptions Electricity(double initialValue = 0) => new()
    {
        Name = "general",
        Pin = 17,
        PulsesPerUnit = 1000,
        InitialValue = initialValue,
        Interval = TimeSpan.FromMinutes(1),
        PersistInterval = TimeSpan.FromSeconds(10),
        Tags = { ["building"] = "residence-les-tilleuls" },
    };

    private static PulseCounterOptions Water() => new()
    {
        Name = "water",
        Pin = 27,
        Quantity = PulseQuantity.Volume,
        Unit = "l",
        PulsesPerUnit = 100,
        Home = "12",
        Interval = TimeSpan.FromMinutes(1),
    };

    /// <summary>A counter set over the shared simulated driver; "kill" by dropping it unstopped, as a power cut would.</summary>
    private PulseCounterSet StartSet(params PulseCounterOptions[] counters)
    {
        var options = new GpioOptions { StateDirectory = directory };
        options.PulseCounters.AddRange(counters);
        var problems = new ConfigurationProblems();
        var plans = PulseCounterPlanner.Plan(options, problems);
        Assert.Empty(problems);

        // Sets share the driver, as successive runs of a gateway share the board.
        var set = new PulseCounterSet(plans, directory, () => new GpioController(driver), sink, catalog, time, logger);
        sets.Add(set);
        set.Start();
        return set;
    }

    /// <summary>A power cut: the set is dropped, never stopped, so nothing more is saved.</summary>
    private void Kill(PulseCounterSet set) => sets.Remove(set);

    private async Task AtAsync(PulseCounterSet set, DateTimeOffset instant)
    {
        time.SetUtcNow(instant);
        await set.RunDueAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Ticks_EnergyPulses_CumulativeWattHoursAndAveragePowerAtWallClockTicks()
    {
        var set = StartSet(Electricity(initialValue: 45_210_000));
        var wire = new S0Wire(driver, time, 17);

        wire.Pulses(20, TimeSpan.FromSeconds(20));
        await AtAsync(set, Start.AddSeconds(30));
        wire.Pulses(60, TimeSpan.FromSeconds(50));
        await AtAsync(set, Start.AddSeconds(90));

        var energy = sink.Of("general", "energy");
        Assert.Equal([(Start.AddSeconds(30), 45_210_020.0), (Start.AddSeconds(90), 45_210_080.0)], energy.Select(r => (r.Timestamp, r.Value)));
        Assert.All(energy, r => Assert.Equal(Quality.Good, r.Quality));

        // The first tick has no whole interval behind it; 60 Wh in one minute is 3600 W.
        var power = Assert.Single(sink.Of("general", "power"));
        Assert.Equal((Start.AddSeconds(90), 3600.0), (power.Timestamp, power.Value));
        var series = sink.All.First(x => x.Series.Field == "power").Series;
        Assert.Equal(("electricity_meter", "W", "residence-les-tilleuls"), (series.Measurement, series.Unit, series.GetTag("building")));
        Assert.Equal("Wh", sink.All.First(x => x.Series.Field == "energy").Series.Unit);
    }

    [Fact]
    public async Task Ticks_WaterPulsesInLitres_VolumeAndFlowPerHour()
    {
        var set = StartSet(Water());
        var wire = new S0Wire(driver, time, 27);
        await AtAsync(set, Start.AddSeconds(30));

        wire.Pulses(6, TimeSpan.FromSeconds(30));
        await AtAsync(set, Start.AddSeconds(90));

        Assert.Equal([0.0, 60.0], sink.Of("water", "volume").Select(r => r.Value));
        var flow = Assert.Single(sink.Of("water", "flow"));
        Assert.Equal(3600.0, flow.Value, 9);
        var series = sink.All.First(x => x.Series.Field == "flow").Series;
        Assert.Equal(("water_meter", "l/h", "12"), (series.Measurement, series.Unit, series.GetTag("home")));
    }

    [Fact]
    public async Task Ticks_AMissedTick_NoPowerOverAGap()
    {
        var set = StartSet(Electricity());
        var wire = new S0Wire(driver, time, 17);
        await AtAsync(set, Start.AddSeconds(30));

        wire.Pulses(10, TimeSpan.FromSeconds(10));
        await AtAsync(set, Start.AddSeconds(150));

        Assert.Empty(sink.Of("general", "power"));
        Assert.Equal(10.0, sink.Of("general", "energy")[^1].Value);
    }

    [Fact]
    public async Task Restart_AfterStop_ResumesFromEveryPulse()
    {
        var first = StartSet(Electricity(initialValue: 1000));
        new S0Wire(driver, time, 17).Pulses(37, TimeSpan.FromSeconds(5));
        first.Stop();

        var second = StartSet(Electricity(initialValue: 1000));
        new S0Wire(driver, time, 17).Pulses(3, TimeSpan.FromSeconds(1));
        await AtAsync(second, Start.AddSeconds(30));

        Assert.Equal(40, second.PulsesOf("general"));
        Assert.Equal(1040.0, sink.Of("general", "energy")[^1].Value);
        Assert.Contains(logger.Entries, e => e.Message.Contains("resumes at 37 pulses", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_AfterPowerCut_LosesOnlyThePulsesSinceTheLastSaveAndNeverDoubles()
    {
        var wire = new S0Wire(driver, time, 17);
        var first = StartSet(Electricity());
        wire.Pulses(50, TimeSpan.FromSeconds(9));
        await AtAsync(first, Start.AddSeconds(10));
        wire.Pulses(7, TimeSpan.FromSeconds(5));
        Kill(first);

        var second = StartSet(Electricity());

        Assert.Equal(50, second.PulsesOf("general"));
    }

    [Fact]
    public async Task Tick_SavesTheCountBeforeWritingIt_SoTheSeriesNeverGoesBackAfterAPowerCut()
    {
        var wire = new S0Wire(driver, time, 17);
        var first = StartSet(Electricity());
        wire.Pulses(25, TimeSpan.FromSeconds(4));
        await AtAsync(first, Start.AddSeconds(30));
        Kill(first);

        var second = StartSet(Electricity());
        await AtAsync(second, Start.AddSeconds(90));

        Assert.Equal([25.0, 25.0], sink.Of("general", "energy").Select(r => r.Value));
    }

    [Fact]
    public async Task Start_DamagedFile_KeptAsideReportedAndReadingsEstimatedUntilRemoved()
    {
        var path = PulseCounterFile.PathOf(directory, "general");
        PulseCounterFile.Write(path, new PulseCounterState(5000, 100, Start));
        var data = File.ReadAllBytes(path);
        data[10] ^= 0x01;
        File.WriteAllBytes(path, data);

        var set = StartSet(Electricity(initialValue: 100));
        new S0Wire(driver, time, 17).Pulses(5, TimeSpan.FromSeconds(1));
        await AtAsync(set, Start.AddSeconds(30));

        var error = Assert.Single(logger.Errors);
        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.Contains("CRC does not match", error, StringComparison.Ordinal);
        var aside = Assert.Single(PulseCounterFile.CorruptFilesOf(path));
        Assert.Contains(aside, error, StringComparison.Ordinal);
        Assert.Equal(5, set.PulsesOf("general"));
        Assert.Equal((105.0, Quality.Estimated), (sink.Of("general", "energy")[0].Value, sink.Of("general", "energy")[0].Quality));
        Assert.Equal(new DeviceStatus("gpio", "general", Answering: false), Assert.Single(set.DeviceStatuses));
        Assert.Equal(PulseCounterFileStatus.Valid, PulseCounterFile.Read(path).Status);

        // The technician checked the meter and removed the evidence: the counter is trusted again.
        File.Delete(aside);
        await AtAsync(set, Start.AddSeconds(90));

        Assert.Equal(Quality.Good, sink.Of("general", "energy")[^1].Quality);
        Assert.True(Assert.Single(set.DeviceStatuses).Answering);
    }

    [Fact]
    public void Start_TruncatedFile_ReportedAndStillUnverifiedAfterARestart()
    {
        var path = PulseCounterFile.PathOf(directory, "general");
        File.WriteAllBytes(path, PulseCounterFile.Encode(new PulseCounterState(5000, 0, Start))[..20]);

        StartSet(Electricity()).Stop();
        var restarted = StartSet(Electricity());

        Assert.Contains(logger.Errors, e => e.Contains("truncated: 20 bytes of 36", StringComparison.Ordinal));
        Assert.True(restarted.IsUnverified("general"));
        Assert.Equal(0, restarted.PulsesOf("general"));
    }

    [Fact]
    public void Start_ChangedInitialValue_RecommissionsFromIt()
    {
        StartSet(Electricity(initialValue: 100)).Stop();
        new S0Wire(driver, time, 17).Pulses(3, TimeSpan.FromSeconds(1));
        PulseCounterFile.Write(PulseCounterFile.PathOf(directory, "general"), new PulseCounterState(300, 100, Start));

        var set = StartSet(Electricity(initialValue: 2500));

        Assert.Equal(0, set.PulsesOf("general"));
        Assert.Contains(logger.Warnings, w => w.Contains("re-commissioned", StringComparison.Ordinal));
        Assert.Equal(2500, PulseCounterFile.Read(PulseCounterFile.PathOf(directory, "general")).State.InitialValue);
    }

    [Fact]
    public async Task PersistTick_PulsesSinceTheLastSave_Saved()
    {
        var set = StartSet(Electricity());
        new S0Wire(driver, time, 17).Pulses(12, TimeSpan.FromSeconds(3));

        await AtAsync(set, Start.AddSeconds(10));

        Assert.Equal(12, PulseCounterFile.Read(PulseCounterFile.PathOf(directory, "general")).State.Pulses);
        Assert.Empty(sink.All);
    }

    [Fact]
    public async Task Tick_PinThatCannotBeOpened_StaleReadingsOfflineAndOneError()
    {
        var options = Electricity();
        var gpioOptions = new GpioOptions { StateDirectory = directory };
        gpioOptions.PulseCounters.Add(options);
        var plans = PulseCounterPlanner.Plan(gpioOptions, []);
        using var set = new PulseCounterSet(plans, directory, () => throw new GpioUnavailableException("the GPIO chip cannot be opened: there is no GPIO chip on this machine"), sink, catalog, time, logger);
        set.Start();

        await AtAsync(set, Start.AddSeconds(30));
        await AtAsync(set, Start.AddSeconds(90));

        Assert.All(sink.All, x => Assert.Equal(Quality.Stale, x.Reading.Quality));
        Assert.Equal(4, sink.All.Count);
        Assert.Contains("no GPIO chip", Assert.Single(logger.Errors), StringComparison.Ordinal);
        Assert.False(Assert.Single(set.DeviceStatuses).Answering);
    }
}
