using Loos.Edge.Core;
using Loos.Edge.MBus.Master;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.MBus.Polling;

/// <summary>
/// Reads the meters of one line at their wall-clock ticks, one readout at a time, and appends each meter's readings
/// as one batch, stamped with the tick they stand for (a 15 min meter read at 10:15:02 is stamped 10:15:00). Meters
/// due at the same tick are read one after the other, all stamped with that tick, so a slow or silent meter delays
/// the others but costs none of them its tick. A meter that does not answer gets stale readings (NaN) for the fields
/// of its last readout, never an old value again, and is backed off by its <see cref="DeviceCircuit"/>; an invalid
/// reply spoils only that meter's readout.
/// </summary>
internal sealed partial class MBusLinePoller : DeviceByDevicePoller
{
    private readonly MBusLinePlan plan;
    private readonly IMBusMeterReader reader;
    private readonly ISeriesCatalog catalog;
    private readonly PolledMeter[] meters;
    private bool lineFailing;

    public MBusLinePoller(MBusLinePlan plan, IMBusMeterReader reader, IReadingSink sink, ISeriesCatalog catalog, TimeProvider timeProvider, ILogger logger)
        : base((plan ?? throw new ArgumentNullException(nameof(plan))).Options.Name, "M-Bus line " + plan.Options.Name, sink, timeProvider, logger)
    {
        ArgumentNullException.ThrowIfNull(reader);
        this.plan = plan;
        this.reader = reader;
        this.catalog = catalog;
        var circuitOptions = new DeviceCircuitOptions
        {
            OfflineAfterTimeouts = plan.Options.OfflineAfterTimeouts,
            InitialBackoff = plan.Options.InitialBackoff,
            MaxBackoff = plan.Options.MaxBackoff,
        };
        var now = TimeProvider.GetUtcNow();
        meters = new PolledMeter[plan.Meters.Count];
        for (var m = 0; m < meters.Length; m++)
        {
            var meter = plan.Meters[m];
            meters[m] = new PolledMeter(meter, new DeviceCircuit(circuitOptions));
            Schedule.Add(meter.Interval, now);
            if (meter.Profile == HeatMeterProfile.Name)
            {
                // Until the meter has answered, its silence shows on the counter the heating analysis reads.
                meters[m].LastSeries.Add(catalog.Intern(new SeriesKey(meter.Measurement, meter.Tags, "energy", "Wh")));
            }
        }
    }

    protected override IReadOnlyList<PolledDevice> Devices => meters;

    protected override async ValueTask<int> PollDeviceAsync(int device, DateTimeOffset tick, CancellationToken cancellationToken)
    {
        var meter = meters[device];
        var address = meter.Plan.Address;
        if (!meter.Circuit.ShouldPoll(TimeProvider.GetUtcNow(), out _))
        {
            return await AppendStaleAsync(meter, tick, cancellationToken).ConfigureAwait(false);
        }

        MBusReadStatus status;
        try
        {
            status = await reader.ReadAsync(address, meter.Records, cancellationToken).ConfigureAwait(false);
        }
        catch (MBusLineException exception)
        {
            if (!lineFailing)
            {
                lineFailing = true;
                LogLineFailed(Logger, exception, Name, plan.Master.DevicePath);
            }

            RecordSilence(meter, exception.Message);
            return await AppendStaleAsync(meter, tick, cancellationToken).ConfigureAwait(false);
        }

        if (status.Kind == MBusOutcomeKind.NoReply)
        {
            RecordSilence(meter, status.Detail!);
            return await AppendStaleAsync(meter, tick, cancellationToken).ConfigureAwait(false);
        }

        if (!status.IsSuccess)
        {
            // Something answered: the meter is there, only this readout is lost.
            RecordAnswer(meter);
            LogInvalidReply(Logger, Name, meter.Plan.Name, address.ToString(), status.Reason!, status.Offset);
            return await AppendStaleAsync(meter, tick, cancellationToken).ConfigureAwait(false);
        }

        RecordAnswer(meter);
        if (lineFailing)
        {
            lineFailing = false;
            LogLineRecovered(Logger, Name, plan.Master.DevicePath);
        }

        var values = meter.Values;
        values.Clear();
        if (meter.Plan.Profile == HeatMeterProfile.Name)
        {
            HeatMeterProfile.Map(meter.Records, plan.MeterTimeZone, values);
        }
        else
        {
            AllRecordsProfile.Map(meter.Records, meter.FieldNames, values);
        }

        if (meter.Plan.Profile == HeatMeterProfile.Name && !meter.MissingFieldsLogged)
        {
            meter.MissingFieldsLogged = true;
            LogFieldsMissingFrom(meter, values);
        }

        var readings = meter.ReadingsFor(values.Count);
        meter.LastSeries.Clear();
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            var series = meter.SeriesOf(value, catalog);
            meter.LastSeries.Add(series);
            readings[i] = new Reading(series, tick, value.Value);
        }

        return await AppendAsync(meter, readings.AsMemory(0, values.Count), cancellationToken).ConfigureAwait(false);
    }

    // A method of its own: the lambdas capture the readout's values, and a capture in the poll method would allocate
    // its closure at every poll, not only at the first readout.
    private void LogFieldsMissingFrom(PolledMeter meter, List<MBusFieldValue> values)
    {
        var missing = HeatMeterProfile.Fields.Where(f => !values.Any(v => v.Field == f)).ToList();
        if (missing.Count > 0)
        {
            LogMissingFields(Logger, Name, meter.Plan.Name, meter.Plan.Address.ToString(), string.Join(", ", missing));
        }
    }

    private void RecordSilence(PolledMeter meter, string problem)
    {
        if (meter.Circuit.RecordTimeout(TimeProvider.GetUtcNow()))
        {
            LogMeterOffline(Logger, Name, meter.Plan.Name, meter.Plan.Address.ToString(), problem, meter.Circuit.Backoff);
        }
    }

    private void RecordAnswer(PolledMeter meter)
    {
        if (meter.Circuit.RecordAnswer())
        {
            LogMeterOnline(Logger, Name, meter.Plan.Name, meter.Plan.Address.ToString());
        }
    }

    private ValueTask<int> AppendStaleAsync(PolledMeter meter, DateTimeOffset tick, CancellationToken cancellationToken)
    {
        var count = meter.LastSeries.Count;
        var readings = meter.ReadingsFor(count);
        for (var i = 0; i < count; i++)
        {
            readings[i] = new Reading(meter.LastSeries[i], tick, double.NaN, Quality.Stale);
        }

        return AppendAsync(meter, readings.AsMemory(0, count), cancellationToken);
    }

    protected override void Dispose(bool disposing) => reader.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "M-Bus line {Line}: meter {Meter} ({Address}) stopped answering ({Problem}); its readings are stale, probed again in {Backoff}")]
    private static partial void LogMeterOffline(ILogger logger, string line, string meter, string address, string problem, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "M-Bus line {Line}: meter {Meter} ({Address}) answers again")]
    private static partial void LogMeterOnline(ILogger logger, string line, string meter, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "M-Bus line {Line}: meter {Meter} ({Address}) sent an invalid reply: {Reason} at byte {Offset}; its readings of this tick are stale")]
    private static partial void LogInvalidReply(ILogger logger, string line, string meter, string address, string reason, int offset);

    [LoggerMessage(Level = LogLevel.Information, Message = "M-Bus line {Line}: meter {Meter} ({Address}) sends no {Fields}; those fields are not written")]
    private static partial void LogMissingFields(ILogger logger, string line, string meter, string address, string fields);

    [LoggerMessage(Level = LogLevel.Error, Message = "M-Bus line {Line}: the serial port {Port} failed; its meters are stale until it works again")]
    private static partial void LogLineFailed(ILogger logger, Exception exception, string line, string port);

    [LoggerMessage(Level = LogLevel.Information, Message = "M-Bus line {Line}: the serial port {Port} works again")]
    private static partial void LogLineRecovered(ILogger logger, string line, string port);

    /// <summary>The circuit, series and last fields of one meter, and the buffers its readouts are decoded and mapped into.</summary>
    private sealed class PolledMeter(MBusMeterPlan plan, DeviceCircuit circuit) : PolledDevice(plan.Name, circuit)
    {
        private readonly Dictionary<(string Field, string Unit, ValueKind Kind), SeriesId> series = [];
        private Reading[] readings = new Reading[HeatMeterProfile.Fields.Count];

        public MBusMeterPlan Plan { get; } = plan;

        /// <summary>The series of the last readout: those written stale while the meter does not answer.</summary>
        public List<SeriesId> LastSeries { get; } = [];

        public bool MissingFieldsLogged { get; set; }

        /// <summary>The last readout, decoded; reused from one readout to the next.</summary>
        public MBusRecordBuffer Records { get; } = new();

        /// <summary>The fields of the last readout; reused.</summary>
        public List<MBusFieldValue> Values { get; } = [];

        public AllRecordsProfile.FieldNames FieldNames { get; } = new();

        /// <summary>Room for <paramref name="count"/> readings, reused: the sink copies a batch before its append returns.</summary>
        public Reading[] ReadingsFor(int count)
        {
            if (readings.Length < count)
            {
                readings = new Reading[count];
            }

            return readings;
        }

        public SeriesId SeriesOf(MBusFieldValue value, ISeriesCatalog catalog)
        {
            var key = (value.Field, value.Unit, value.Kind);
            if (!series.TryGetValue(key, out var id))
            {
                id = catalog.Intern(new SeriesKey(Plan.Measurement, Plan.Tags, value.Field, value.Unit, value.Kind));
                series[key] = id;
            }

            return id;
        }
    }
}
