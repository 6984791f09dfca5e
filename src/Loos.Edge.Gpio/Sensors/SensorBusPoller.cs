using Loos.Edge.Core;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Gpio.Sensors;

/// <summary>
/// Reads the sensors of one bus (a 1-Wire bus master or an I²C bus) at their wall-clock ticks, one at a time, and
/// appends each sensor's readings as one batch stamped with the tick they stand for. A sensor that gives no valid
/// reading (no acknowledge, CRC mismatch, power-on reset value, gone from the bus) gets stale readings (NaN) for every
/// quantity it measures, is logged once as not answering and shown so in health, and is probed again at its next tick,
/// then at doubling intervals up to 5 min; its first valid reading brings it back, logged once.
/// </summary>
internal sealed partial class SensorBusPoller : IDisposable
{
    /// <summary>The longest wait between two probes of a missing sensor, unless its own interval is longer.</summary>
    public static readonly TimeSpan MaxProbeInterval = TimeSpan.FromMinutes(5);

    private readonly IReadingSink sink;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly PollSchedule schedule = new();
    private readonly PolledSensor[] sensors;
    private readonly DueEntry[] due;

    public SensorBusPoller(string bus, IReadOnlyList<SensorPlan> plans, ISensorReaderFactory readerFactory, IReadingSink sink, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(readerFactory);
        ArgumentNullException.ThrowIfNull(catalog);
        Name = bus;
        this.sink = sink;
        this.timeProvider = timeProvider;
        this.logger = logger;
        var now = timeProvider.GetUtcNow();
        sensors = new PolledSensor[plans.Count];
        for (var s = 0; s < sensors.Length; s++)
        {
            var plan = plans[s];
            var circuit = new DeviceCircuit(new DeviceCircuitOptions
            {
                // A sensor is either there or not: the first failed read already says so in the log and in health.
                OfflineAfterTimeouts = 1,
                InitialBackoff = plan.Interval,
                MaxBackoff = plan.Interval > MaxProbeInterval ? plan.Interval : MaxProbeInterval,
            });
            var series = plan.Quantities.Select(q => catalog.Intern(plan.SeriesOf(q))).ToArray();
            sensors[s] = new PolledSensor(plan, readerFactory.Create(plan), circuit, series);
            schedule.Add(plan.Interval, now);
        }

        due = new DueEntry[schedule.Count];
    }

    /// <summary>The bus name: <c>w1_bus_master1</c> or <c>i2c-1</c>.</summary>
    public string Name { get; }

    /// <summary>When the next read is due.</summary>
    public DateTimeOffset NextDue => schedule.NextDue;

    /// <summary>Every sensor of the bus and whether it answers, for the health endpoint.</summary>
    public IEnumerable<DeviceStatus> DeviceStatuses =>
        sensors.Select(s => new DeviceStatus(Name, s.Plan.Name, s.Circuit.State == DeviceState.Online));

    /// <summary>Whether sensor <paramref name="sensorName"/> answers, for health and tests.</summary>
    /// <exception cref="KeyNotFoundException">No sensor of that name is on this bus.</exception>
    public DeviceState StateOf(string sensorName) =>
        Array.Find(sensors, s => s.Plan.Name == sensorName)?.Circuit.State ?? throw new KeyNotFoundException(sensorName);

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled; failures are logged, never thrown.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        PollLoop.RunAsync(schedule, timeProvider, async token => await PollDueAsync(token).ConfigureAwait(false), exception => LogPollFailed(logger, exception, Name), cancellationToken);

    /// <summary>Reads every sensor due now, in the order of the site file; returns how many readings were appended.</summary>
    public async ValueTask<int> PollDueAsync(CancellationToken cancellationToken)
    {
        var dueCount = schedule.TakeDue(timeProvider.GetUtcNow(), due);
        var written = 0;
        for (var i = 0; i < dueCount; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            written += await AppendAsync(Read(sensors[due[i].Entry], due[i].Tick), cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    private Reading[] Read(PolledSensor sensor, DateTimeOffset tick)
    {
        var readings = new Reading[sensor.Series.Length];
        var quantities = sensor.Plan.Quantities;
        if (!sensor.Circuit.ShouldPoll(timeProvider.GetUtcNow(), out _))
        {
            return Stale(sensor, tick, readings);
        }

        if (!sensor.Reader.TryRead(out var sample, out var problem))
        {
            // The back-off counts from the tick, so the first probe of a missing sensor is its next tick.
            if (sensor.Circuit.RecordTimeout(tick))
            {
                LogSensorMissing(logger, sensor.Plan.Name, sensor.Plan.TypeName, Name, sensor.Plan.Address, problem);
            }
            else
            {
                LogSensorStillMissing(logger, sensor.Plan.Name, Name, sensor.Plan.Address, problem, sensor.Circuit.Backoff);
            }

            return Stale(sensor, tick, readings);
        }

        if (sensor.Circuit.RecordAnswer())
        {
            LogSensorBack(logger, sensor.Plan.Name, sensor.Plan.TypeName, Name, sensor.Plan.Address);
        }

        for (var q = 0; q < readings.Length; q++)
        {
            var quantity = quantities[q];
            var value = sample[quantity] + sensor.Plan.Offsets[(int)quantity];
            if (quantity == SensorQuantity.Humidity)
            {
                value = Math.Clamp(value, 0, 100);
            }

            // NaN: the binding skipped that quantity; it is not measured, so not a value.
            readings[q] = double.IsNaN(value)
                ? new Reading(sensor.Series[q], tick, double.NaN, Quality.Stale)
                : new Reading(sensor.Series[q], tick, value);
        }

        return readings;
    }

    private static Reading[] Stale(PolledSensor sensor, DateTimeOffset tick, Reading[] readings)
    {
        for (var q = 0; q < readings.Length; q++)
        {
            readings[q] = new Reading(sensor.Series[q], tick, double.NaN, Quality.Stale);
        }

        return readings;
    }

    private async ValueTask<int> AppendAsync(Reading[] readings, CancellationToken cancellationToken)
    {
        try
        {
            await sink.AppendAsync(readings, cancellationToken).ConfigureAwait(false);
            return readings.Length;
        }
        catch (BufferFullException exception)
        {
            // The other sensors due at this tick are still read: the buffer may have room again by then.
            LogBufferFull(logger, exception, Name, readings.Length);
            return 0;
        }
    }

    public void Dispose()
    {
        foreach (var sensor in sensors)
        {
            sensor.Reader.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {Sensor} ({Type}) on {Bus} at {Address} is not answering: {Problem}; its readings are stale until it is read again")]
    private static partial void LogSensorMissing(ILogger logger, string sensor, string type, string bus, string address, string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sensor {Sensor} on {Bus} at {Address} is still not answering: {Problem}; probed again in {Backoff}")]
    private static partial void LogSensorStillMissing(ILogger logger, string sensor, string bus, string address, string problem, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {Sensor} ({Type}) on {Bus} at {Address} answers again")]
    private static partial void LogSensorBack(ILogger logger, string sensor, string type, string bus, string address);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sensors on {Bus}: the buffer refused {Count} readings")]
    private static partial void LogBufferFull(ILogger logger, Exception exception, string bus, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sensors on {Bus}: a poll failed; the next tick is polled as scheduled")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string bus);

    /// <summary>The reader, circuit and series (in the order of the plan's quantities) of one sensor.</summary>
    private sealed record PolledSensor(SensorPlan Plan, ISensorReader Reader, DeviceCircuit Circuit, SeriesId[] Series);
}
