using System.Device.Gpio;
using Loos.Edge.Core;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Gpio.Pulses;

/// <summary>
/// The pulse counters of one gateway: counts each pin's pulses, saves each count atomically to its file (every
/// persist interval, before every reading it writes, and at stop) and writes the cumulative value and the average
/// power or flow of each interval, stamped with its wall-clock tick. Because a count is saved before a reading
/// carries it, the series never goes back after a power cut: it resumes from the saved count, which is at least the
/// last value written, and at most the pulses of one persist interval are lost. A damaged file is moved aside as
/// <c>.corrupt</c> and reported; the counter then restarts from its initial value, its cumulative readings are
/// <see cref="Quality.Estimated"/> and health shows it offline for as long as a <c>.corrupt</c> file lies beside it.
/// Readings the buffer refuses are kept, in order, and appended before the next ones at the next tick: an interval's
/// power or flow cannot be read again later, so none is dropped.
/// </summary>
internal sealed partial class PulseCounterSet : IPoller, IDisposable
{
    private const string Bus = "gpio";

    private readonly string stateDirectory;
    private readonly Func<GpioController> openController;
    private readonly IReadingSink sink;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly PollSchedule schedule = new();
    private readonly RunningCounter[] counters;
    private readonly List<(RunningCounter Counter, bool Persist)> entries = [];
    private readonly DueEntry[] due;
    private readonly HeldReadings refused;
    private GpioController? controller;
    private bool controllerFailureLogged;
    private bool stopped;

    /// <summary>The counters' loop's promise to come round again, for the watchdog.</summary>
    public LoopProgress Progress { get; }

    public PulseCounterSet(
        IReadOnlyList<PulseCounterPlan> plans,
        string stateDirectory,
        Func<GpioController> openController,
        IReadingSink sink,
        ISeriesCatalog catalog,
        TimeProvider timeProvider,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(catalog);
        this.stateDirectory = stateDirectory;
        this.openController = openController;
        this.sink = sink;
        this.timeProvider = timeProvider;
        Progress = new LoopProgress("GPIO pulse counters", timeProvider);
        this.logger = logger;
        refused = new HeldReadings("Pulse counters", logger);
        counters = [.. plans.Select(p => new RunningCounter(p, PulseCounterFile.PathOf(stateDirectory, p.Name), catalog.Intern(p.CounterSeries), catalog.Intern(p.DerivedSeries)))];
        due = new DueEntry[counters.Length * 2];
    }

    /// <summary>When the next reading or save is due.</summary>
    public DateTimeOffset NextDue => schedule.NextDue;

    /// <summary>Every counter, answering when its pin is open and its count verified.</summary>
    public IEnumerable<DeviceStatus> DeviceStatuses => counters.Select(c => new DeviceStatus(Bus, c.Plan.Name, c.Input is not null && !c.Unverified));

    /// <summary>The pulses counter <paramref name="name"/> has counted since commissioning, for tests.</summary>
    public long PulsesOf(string name) => Find(name).TotalPulses;

    /// <summary>Whether counter <paramref name="name"/> restarted from a damaged file that is still kept aside.</summary>
    public bool IsUnverified(string name) => Find(name).Unverified;

    /// <summary>Reads the saved counts (moving damaged files aside), opens the pins and schedules the readings.</summary>
    /// <exception cref="IOException">The state directory cannot be created.</exception>
    public void Start()
    {
        DurableFile.CreatePrivateDirectory(stateDirectory);
        var now = timeProvider.GetUtcNow();
        foreach (var counter in counters)
        {
            Restore(counter, now);
            entries.Add((counter, false));
            schedule.Add(counter.Plan.Interval, now);
            entries.Add((counter, true));
            schedule.Add(counter.Plan.PersistInterval, now);
        }

        OpenInputs();
    }

    /// <summary>Writes and saves until <paramref name="cancellationToken"/> is cancelled; failures are logged, never thrown.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        PollLoop.RunAsync(schedule, timeProvider, async token => await RunDueAsync(token).ConfigureAwait(false), exception => LogTickFailed(logger, exception), Progress, cancellationToken);

    /// <summary>
    /// Saves and writes whatever is due now, after the readings the buffer refused before; returns how many readings
    /// were appended.
    /// </summary>
    public async ValueTask<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var count = schedule.TakeDue(timeProvider.GetUtcNow(), due);
        var readings = new List<Reading>();
        for (var i = 0; i < count; i++)
        {
            var (counter, persist) = entries[due[i].Entry];
            if (persist)
            {
                Persist(counter);
            }
            else
            {
                Sample(counter, due[i].Tick, readings);
            }
        }

        return await refused.AppendAsync(sink, readings, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops counting and saves every count; later calls do nothing.</summary>
    public void Stop()
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        foreach (var counter in counters)
        {
            counter.CloseInput();
        }

        controller?.Dispose();
        controller = null;
        foreach (var counter in counters)
        {
            Persist(counter);
        }
    }

    public void Dispose() => Stop();

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private RunningCounter Find(string name) => Array.Find(counters, c => c.Plan.Name == name) ?? throw new KeyNotFoundException(name);

    private void Restore(RunningCounter counter, DateTimeOffset now)
    {
        var plan = counter.Plan;
        var read = PulseCounterFile.Read(counter.FilePath);
        switch (read.Status)
        {
            case PulseCounterFileStatus.Valid when read.State.InitialValue.Equals(plan.InitialValue):
                counter.BasePulses = read.State.Pulses;
                counter.PersistedPulses = read.State.Pulses;
                LogResumed(logger, plan.Name, read.State.Pulses, plan.ValueAt(read.State.Pulses), read.State.SavedAt);
                break;
            case PulseCounterFileStatus.Valid:
                LogRecommissioned(logger, plan.Name, read.State.InitialValue, plan.InitialValue, read.State.Pulses);
                break;
            case PulseCounterFileStatus.Missing:
                LogCommissioned(logger, plan.Name, plan.InitialValue, counter.FilePath);
                break;
            default:
                var aside = PulseCounterFile.KeepAside(counter.FilePath, now);
                counter.DamageNotKeptAside = aside is null;
                LogDamaged(logger, plan.Name, counter.FilePath, read.Problem ?? "damaged", aside ?? "(it could not be moved: check the directory's permissions)", plan.InitialValue);
                break;
        }

        counter.Unverified = counter.DamageNotKeptAside || PulseCounterFile.CorruptFilesOf(counter.FilePath).Count > 0;
        if (read.Status != PulseCounterFileStatus.Valid || !read.State.InitialValue.Equals(plan.InitialValue))
        {
            // A new, re-commissioned or recovered counter gets its file now, not at its first pulse.
            counter.PersistedPulses = -1;
            Persist(counter);
        }
    }

    private void OpenInputs()
    {
        if (controller is null)
        {
            try
            {
                controller = openController();
                controllerFailureLogged = false;
            }
            catch (GpioUnavailableException exception)
            {
                if (!controllerFailureLogged)
                {
                    controllerFailureLogged = true;
                    LogControllerFailed(logger, exception.Message);
                }

                return;
            }
        }

        foreach (var counter in counters.Where(c => c.Input is null))
        {
            try
            {
                counter.Input = PulseInput.Open(controller, counter.Plan.Pin, counter.Plan.Edge, counter.Plan.Debounce, timeProvider);
                if (counter.OpenFailureLogged)
                {
                    counter.OpenFailureLogged = false;
                    LogPinOpened(logger, counter.Plan.Name, counter.Plan.Pin);
                }
            }
            catch (GpioUnavailableException exception)
            {
                if (!counter.OpenFailureLogged)
                {
                    counter.OpenFailureLogged = true;
                    LogPinFailed(logger, counter.Plan.Name, exception.Message);
                }
            }
        }
    }

    private void Sample(RunningCounter counter, DateTimeOffset tick, List<Reading> readings)
    {
        if (counter.Input is null)
        {
            OpenInputs();
        }

        if (counter.Input is null)
        {
            // Pulses that nobody saw are unknown, not zero.
            readings.Add(new Reading(counter.CounterSeries, tick, double.NaN, Quality.Stale));
            readings.Add(new Reading(counter.DerivedSeries, tick, double.NaN, Quality.Stale));
            counter.LastTick = null;
            return;
        }

        var total = counter.TotalPulses;
        Persist(counter, total);
        if (counter.Unverified && !counter.DamageNotKeptAside)
        {
            // Only a start finds damage; once the technician removes the .corrupt file, the count is trusted again.
            counter.Unverified = PulseCounterFile.CorruptFilesOf(counter.FilePath).Count > 0;
        }

        var plan = counter.Plan;
        readings.Add(new Reading(counter.CounterSeries, tick, plan.ValueAt(total), counter.Unverified ? Quality.Estimated : Quality.Good));
        if (counter.LastTick is { } last && last == tick - plan.Interval)
        {
            readings.Add(new Reading(counter.DerivedSeries, tick, plan.RatePerHour(total - counter.LastTickPulses, plan.Interval)));
        }

        counter.LastTick = tick;
        counter.LastTickPulses = total;
    }

    private void Persist(RunningCounter counter) => Persist(counter, counter.TotalPulses);

    private void Persist(RunningCounter counter, long total)
    {
        if (total == counter.PersistedPulses)
        {
            return;
        }

        try
        {
            PulseCounterFile.Write(counter.FilePath, new PulseCounterState(total, counter.Plan.InitialValue, timeProvider.GetUtcNow()));
            counter.PersistedPulses = total;
            if (counter.PersistFailureLogged)
            {
                counter.PersistFailureLogged = false;
                LogPersistRecovered(logger, counter.Plan.Name, counter.FilePath);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            if (!counter.PersistFailureLogged)
            {
                counter.PersistFailureLogged = true;
                LogPersistFailed(logger, exception, counter.Plan.Name, counter.FilePath);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulse counter {Counter} resumes at {Pulses} pulses ({Value}), saved at {SavedAt:O}")]
    private static partial void LogResumed(ILogger logger, string counter, long pulses, double value, DateTimeOffset savedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulse counter {Counter} commissioned at {InitialValue}: no saved count in {File} yet")]
    private static partial void LogCommissioned(ILogger logger, string counter, double initialValue, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pulse counter {Counter}: initialValue changed from {Saved} to {InitialValue}; the counter is re-commissioned and counts from {InitialValue} (the {Pulses} pulses counted before are dropped)")]
    private static partial void LogRecommissioned(ILogger logger, string counter, double saved, double initialValue, long pulses);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pulse counter {Counter}: the saved count {File} is {Problem}; kept aside as {Aside}. Counting restarts from initialValue {InitialValue}: its readings are estimated and health shows it offline until the .corrupt file is removed (check the meter's display and set initialValue first)")]
    private static partial void LogDamaged(ILogger logger, string counter, string file, string problem, string aside, double initialValue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pulse counters: {Cause}; their readings are stale until it can be opened")]
    private static partial void LogControllerFailed(ILogger logger, string cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pulse counter {Counter}: {Cause}; its readings are stale until it can be opened")]
    private static partial void LogPinFailed(ILogger logger, string counter, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulse counter {Counter}: GPIO {Pin} is open again")]
    private static partial void LogPinOpened(ILogger logger, string counter, int pin);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pulse counter {Counter}: cannot save the count to {File}; a power cut now would lose the pulses since the last save")]
    private static partial void LogPersistFailed(ILogger logger, Exception exception, string counter, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulse counter {Counter}: the count is saved to {File} again")]
    private static partial void LogPersistRecovered(ILogger logger, string counter, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pulse counters: a tick failed; the next one runs as scheduled")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);

    /// <summary>One counter's pin, saved count and last tick.</summary>
    private sealed class RunningCounter(PulseCounterPlan plan, string filePath, SeriesId counterSeries, SeriesId derivedSeries)
    {
        public PulseCounterPlan Plan { get; } = plan;

        public string FilePath { get; } = filePath;

        public SeriesId CounterSeries { get; } = counterSeries;

        public SeriesId DerivedSeries { get; } = derivedSeries;

        public PulseInput? Input { get; set; }

        /// <summary>Pulses since commissioning before <see cref="Input"/> was opened.</summary>
        public long BasePulses { get; set; }

        /// <summary>The count in the file; -1 when the file must be written.</summary>
        public long PersistedPulses { get; set; }

        public long TotalPulses => BasePulses + (Input?.Snapshot().Pulses ?? 0);

        public bool Unverified { get; set; }

        /// <summary>A damaged file could not be moved aside: nothing on disk marks the count unverified, so this run does.</summary>
        public bool DamageNotKeptAside { get; set; }

        public DateTimeOffset? LastTick { get; set; }

        public long LastTickPulses { get; set; }

        public bool OpenFailureLogged { get; set; }

        public bool PersistFailureLogged { get; set; }

        /// <summary>Stops counting; the pulses counted so far stay in <see cref="BasePulses"/>.</summary>
        public void CloseInput()
        {
            if (Input is { } input)
            {
                input.Dispose();
                BasePulses += input.Snapshot().Pulses;
                Input = null;
            }
        }
    }
}
