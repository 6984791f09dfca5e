using Loos.Edge.Core;
using Loos.Edge.Http;

namespace Loos.Edge.SelfMetrics;

/// <summary>
/// One sample of the gateway's state as readings of <c>loos_edge</c>, <c>loos_edge_target</c> and
/// <c>loos_edge_devices</c>, all at one instant. Series carry no unit tag (the unit is in each field's name), so that
/// each measurement and tag set is one InfluxDB series whose fields land on one row.
/// </summary>
internal sealed class SelfMetricsPoint(ISeriesCatalog catalog, string site)
{
    public const string Measurement = "loos_edge";
    public const string TargetMeasurement = "loos_edge_target";
    public const string DevicesMeasurement = "loos_edge_devices";

    private readonly Tag siteTag = new("site", site);
    private readonly List<Reading> readings = [];
    private DateTimeOffset time;

    /// <summary>Starts a new sample at <paramref name="now"/>.</summary>
    public void Start(DateTimeOffset now)
    {
        readings.Clear();
        time = now;
    }

    /// <summary>The readings of the sample so far.</summary>
    public Reading[] ToArray() => [.. readings];

    public void AddGateway(
        CounterTotals totals,
        BufferStatistics buffer,
        double hoursLeft,
        bool? mqttConnected,
        bool clockSynchronised,
        long? clockHeldReadings,
        ProcessUsage process,
        TimeSpan uptime)
    {
        // The worst consumer's figures, as /health shows them.
        var health = BufferHealth.Create(buffer);
        var oldestAgeSeconds = health.OldestUnsent is { } oldest ? Math.Max(0, (time - new DateTimeOffset(oldest, TimeSpan.Zero)).TotalSeconds) : 0;
        Tag[] tags = [siteTag];
        Add(Measurement, tags, "readings_accepted", totals.AcceptedReadings);
        Add(Measurement, tags, "readings_dropped", totals.DroppedReadings);
        Add(Measurement, tags, "readings_evicted", totals.EvictedReadings);
        Add(Measurement, tags, "buffer_bytes", buffer.BytesOnDisk);
        Add(Measurement, tags, "unsent_readings", health.UnsentReadings);
        Add(Measurement, tags, "oldest_unsent_age_seconds", oldestAgeSeconds, ValueKind.Float);
        Add(Measurement, tags, "buffer_hours_left", hoursLeft, ValueKind.Float);
        Add(Measurement, tags, "buffer_possible_loss_stops", buffer.PossibleLossStops);
        if (mqttConnected is { } connected)
        {
            Add(Measurement, tags, "mqtt_connected", connected ? 1 : 0);
        }

        Add(Measurement, tags, "clock_synchronised", clockSynchronised ? 1 : 0);
        if (clockHeldReadings is { } heldReadings)
        {
            Add(Measurement, tags, "clock_held_readings", heldReadings);
        }

        Add(Measurement, tags, "rss_bytes", process.ResidentBytes);
        Add(Measurement, tags, "cpu_seconds", process.CpuTime.TotalSeconds, ValueKind.Float);
        Add(Measurement, tags, "uptime_seconds", uptime.TotalSeconds, ValueKind.Float);
    }

    public void AddTarget(TargetStatus target, TargetTotals totals)
    {
        Tag[] tags = [siteTag, new("target", target.Name)];
        Add(TargetMeasurement, tags, "forwarded_readings", totals.ForwardedReadings);
        Add(TargetMeasurement, tags, "dead_lettered_readings", totals.DeadLetteredReadings);
        if (target.ForwardLag is { } lag)
        {
            Add(TargetMeasurement, tags, "lag_seconds", lag.TotalSeconds, ValueKind.Float);
        }

        Add(TargetMeasurement, tags, "state_code", StateCode(target.State));
    }

    /// <summary>Counts of the devices of one source: answering, not answering, and of those the ones backed off.</summary>
    public void AddDevices(string source, IEnumerable<DeviceStatus> devices)
    {
        long online = 0, offline = 0, backedOff = 0;
        foreach (var device in devices)
        {
            if (device.Answering)
            {
                online++;
            }
            else
            {
                offline++;
            }

            if (device.BackedOff)
            {
                backedOff++;
            }
        }

        Tag[] tags = [siteTag, new("source", source)];
        Add(DevicesMeasurement, tags, "online", online);
        Add(DevicesMeasurement, tags, "offline", offline);
        Add(DevicesMeasurement, tags, "backed_off", backedOff);
    }

    /// <summary>0 healthy, 1 starting, 2 retrying, 3 circuit open, 4 authentication failed: worse is higher, bar starting.</summary>
    public static int StateCode(TargetState state) => state switch
    {
        TargetState.Healthy => 0,
        TargetState.Starting => 1,
        TargetState.Retrying => 2,
        TargetState.CircuitOpen => 3,
        TargetState.AuthenticationFailed => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a target state"),
    };

    private void Add(string measurement, Tag[] tags, string field, double value, ValueKind kind = ValueKind.Integer) =>
        readings.Add(new Reading(catalog.Intern(new SeriesKey(measurement, tags, field, string.Empty, kind)), time, value));
}
