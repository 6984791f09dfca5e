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
internal sealed partial class SensorBusPoller : DeviceByDevicePoller
{
    /// <summary>The longest wait between two probes of a missing sensor, unless its own interval is longer.</summary>
    public static readonly TimeSpan MaxProbeInterval = TimeSpan.FromMinutes(5);

    private readonly PolledSensor[] sensors;

    public SensorBusPoller(string bus, IReadOnlyList<SensorPlan> plans, ISensorReaderFactory readerFactory, IReadingSink sink, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger logger)
        : base(bus, "Sensors on " + bus, sink, timeProvider, logger)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(readerFactory);
        ArgumentNullException.ThrowIfNull(catalog);
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
            Schedule.Add(plan.Interval, now);
        }
    }

    protected override IReadOnlyList<PolledDevice> Devices => sensors;

    protected override ValueTask<int> PollDeviceAsync(int device, DateTimeOffset tick, CancellationToken cancellationToken)
    {
        var sensor = sensors[device];
        return AppendAsync(sensor, Read(sensor, tick), cancellationToken);
    }

    private Reading[] Read(PolledSensor sensor, DateTimeOffset tick)
    {
        var readings = new Reading[sensor.Series.Length];
        var quantities = sensor.Plan.Quantities;
        if (!sensor.Circuit.ShouldPoll(TimeProvider.GetUtcNow(), out _))
        {
            return Stale(sensor, tick, readings);
        }

        if (!sensor.Reader.TryRead(out var sample, out var problem))
        {
            // The back-off counts from the tick, so the first probe of a missing sensor is its next tick.
            if (sensor.Circuit.RecordTimeout(tick))
            {
                LogSensorMissing(Logger, sensor.Plan.Name, sensor.Plan.TypeName, Name, sensor.Plan.Address, problem);
            }
            else
            {
                LogSensorStillMissing(Logger, sensor.Plan.Name, Name, sensor.Plan.Address, problem, sensor.Circuit.Backoff);
            }

            return Stale(sensor, tick, readings);
        }

        if (sensor.Circuit.RecordAnswer())
        {
            LogSensorBack(Logger, sensor.Plan.Name, sensor.Plan.TypeName, Name, sensor.Plan.Address);
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

    protected override void Dispose(bool disposing)
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

    /// <summary>The reader, circuit and series (in the order of the plan's quantities) of one sensor.</summary>
    private sealed class PolledSensor(SensorPlan plan, ISensorReader reader, DeviceCircuit circuit, SeriesId[] series) : PolledDevice(plan.Name, circuit)
    {
        public SensorPlan Plan { get; } = plan;

        public ISensorReader Reader { get; } = reader;

        public SeriesId[] Series { get; } = series;
    }
}
