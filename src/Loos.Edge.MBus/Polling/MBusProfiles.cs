using System.Globalization;
using System.Text;
using Loos.Edge.Core;
using Loos.Edge.MBus.Master;

namespace Loos.Edge.MBus.Polling;

/// <summary>One field a profile takes from a meter's readout.</summary>
/// <param name="Field">The series field, e.g. <c>energy</c>.</param>
/// <param name="Unit">The unit of <paramref name="Value"/>, e.g. <c>Wh</c>; empty when there is none.</param>
/// <param name="Kind">How the field is written to InfluxDB.</param>
/// <param name="Value">The value.</param>
public readonly record struct MBusFieldValue(string Field, string Unit, ValueKind Kind, double Value);

/// <summary>
/// The heat-meter profile: the current values of a heat meter (EN 1434) as the fields the heating analysis reads, in
/// the same measurement, fields and units as the simulated meters. Only records with function instantaneous, storage
/// 0, tariff 0 and subunit 0 are used, the first of each quantity; a quantity the meter does not send is absent.
/// </summary>
public static class HeatMeterProfile
{
    /// <summary>The profile's name in the site file.</summary>
    public const string Name = "heat-meter";

    /// <summary>The measurement of its series.</summary>
    public const string Measurement = "heat_meter";

    // Decoder quantity (EN 13757-3 primary VIF table, normalised units) → field and unit.
    private static readonly (string Quantity, string Field, string Unit)[] Quantities =
    [
        ("energy", "energy", "Wh"),
        ("volume", "volume", "m³"),
        ("power", "power", "W"),
        ("volumeFlow", "flow", "m³/h"),
        ("flowTemperature", "supply_temperature", "°C"),
        ("returnTemperature", "return_temperature", "°C"),
        ("temperatureDifference", "temperature_difference", "K"),
    ];

    /// <summary>The field of the meter's own clock: Unix seconds (UTC).</summary>
    public const string MeterTimeField = "meter_time";

    /// <summary>The field of the header's status byte (EN 13757-3 status field).</summary>
    public const string StatusField = "status";

    /// <summary>Every field a complete heat meter gives, in the order <see cref="Map"/> writes them.</summary>
    public static IReadOnlyList<string> Fields { get; } = [.. Quantities.Select(q => q.Field), MeterTimeField, StatusField];

    /// <summary>
    /// The fields of <paramref name="readout"/>: energy (Wh, the heating counter), volume (m³), power (W), flow (m³/h),
    /// supply, return temperatures (°C) and their difference (K), <c>meter_time</c> (the meter's date and time, read
    /// in <paramref name="meterTimeZone"/>, as Unix seconds) and <c>status</c> (the header's status byte).
    /// </summary>
    public static IReadOnlyList<MBusFieldValue> Map(MBusReadout readout, TimeZoneInfo meterTimeZone)
    {
        ArgumentNullException.ThrowIfNull(readout);
        ArgumentNullException.ThrowIfNull(meterTimeZone);
        var values = new List<MBusFieldValue>(Fields.Count);
        Map([.. readout.Records], readout.First.Header.Status, meterTimeZone, values);
        return values;
    }

    /// <summary>The fields of the readout in <paramref name="records"/>, as <see cref="Map(MBusReadout, TimeZoneInfo)"/>, added to <paramref name="values"/> without allocating.</summary>
    internal static void Map(MBusRecordBuffer records, TimeZoneInfo meterTimeZone, List<MBusFieldValue> values) =>
        Map(records.Records, records.Header.Status, meterTimeZone, values);

    private static void Map(ReadOnlySpan<MBusRecord> records, byte? status, TimeZoneInfo meterTimeZone, List<MBusFieldValue> values)
    {
        foreach (var (quantity, field, unit) in Quantities)
        {
            foreach (ref readonly var record in records)
            {
                if (IsCurrent(record) && record.Quantity == quantity && record.Unit == unit && record.Value is { } value)
                {
                    values.Add(new MBusFieldValue(field, unit, ValueKind.Float, value));
                    break;
                }
            }
        }

        foreach (ref readonly var record in records)
        {
            if (IsCurrent(record) && record.Quantity == "dateTime" && record.TextKind != MBusTextKind.None)
            {
                if (record.TryGetDateTime(out var local))
                {
                    values.Add(new MBusFieldValue(MeterTimeField, "s", ValueKind.Integer, ToInstant(local, meterTimeZone).ToUnixTimeSeconds()));
                }

                break;
            }
        }

        if (status is { } statusByte)
        {
            values.Add(new MBusFieldValue(StatusField, string.Empty, ValueKind.Integer, statusByte));
        }
    }

    /// <summary>
    /// Reads a meter's date and time (ISO 8601, local time without offset) as an instant. An hour that the clocks
    /// skip or repeat at a daylight saving change is read with the zone's standard offset.
    /// </summary>
    public static bool TryReadLocalTime(string text, TimeZoneInfo meterTimeZone, out DateTimeOffset instant)
    {
        ArgumentNullException.ThrowIfNull(meterTimeZone);
        instant = default;
        if (!DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        instant = ToInstant(local, meterTimeZone);
        return true;
    }

    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo meterTimeZone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var offset = meterTimeZone.IsInvalidTime(local) || meterTimeZone.IsAmbiguousTime(local)
            ? meterTimeZone.BaseUtcOffset
            : meterTimeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    private static bool IsCurrent(in MBusRecord record) =>
        record.Function == MBusFunction.Instantaneous && record.Storage == 0 && record.Tariff == 0 && record.Subunit == 0;
}

/// <summary>
/// The all-records profile, for meters that are not heat meters (water, electricity): every numeric record becomes a
/// field named from its quantity, then its function, storage, tariff and subunit where they are not the current
/// value (<c>energy</c>, <c>energy_storage1</c>, <c>volume_max</c>, <c>energy_tariff2</c>, <c>volume_subunit1</c>),
/// plus the header's <c>status</c>. A name that repeats within a readout keeps its first record.
/// </summary>
public static class AllRecordsProfile
{
    /// <summary>The profile's name in the site file.</summary>
    public const string Name = "all-records";

    /// <summary>The measurement of its series.</summary>
    public const string Measurement = "mbus";

    /// <summary>The fields of every numeric record of <paramref name="readout"/>, and <c>status</c>.</summary>
    public static IReadOnlyList<MBusFieldValue> Map(MBusReadout readout)
    {
        ArgumentNullException.ThrowIfNull(readout);
        var values = new List<MBusFieldValue>();
        Map([.. readout.Records], readout.First.Header.Status, new FieldNames(), values);
        return values;
    }

    /// <summary>
    /// The fields of the readout in <paramref name="records"/>, as <see cref="Map(MBusReadout)"/>, added to
    /// <paramref name="values"/>; <paramref name="names"/> keeps the meter's field names, so that a readout like the
    /// last one allocates nothing.
    /// </summary>
    internal static void Map(MBusRecordBuffer records, FieldNames names, List<MBusFieldValue> values) =>
        Map(records.Records, records.Header.Status, names, values);

    private static void Map(ReadOnlySpan<MBusRecord> records, byte? status, FieldNames names, List<MBusFieldValue> values)
    {
        names.Seen.Clear();
        foreach (ref readonly var record in records)
        {
            if (record.Value is not { } value || record.Function is MBusFunction.ManufacturerSpecific or MBusFunction.MoreRecordsFollow)
            {
                continue;
            }

            var field = names.Of(record);
            if (names.Seen.Add(field))
            {
                values.Add(new MBusFieldValue(field, record.Unit, ValueKind.Float, value));
            }
        }

        if (status is { } statusByte && names.Seen.Add(HeatMeterProfile.StatusField))
        {
            values.Add(new MBusFieldValue(HeatMeterProfile.StatusField, string.Empty, ValueKind.Integer, statusByte));
        }
    }

    /// <summary>The field name of <paramref name="record"/>, e.g. <c>volume_flow_max_storage1_tariff2</c>.</summary>
    public static string FieldOf(MBusRecord record)
    {
        var name = new StringBuilder(SnakeCase(record.Quantity));
        name.Append(record.Function switch
        {
            MBusFunction.Maximum => "_max",
            MBusFunction.Minimum => "_min",
            MBusFunction.ErrorState => "_error",
            _ => string.Empty,
        });
        if (record.Storage > 0)
        {
            name.Append(CultureInfo.InvariantCulture, $"_storage{record.Storage}");
        }

        if (record.Tariff > 0)
        {
            name.Append(CultureInfo.InvariantCulture, $"_tariff{record.Tariff}");
        }

        if (record.Subunit > 0)
        {
            name.Append(CultureInfo.InvariantCulture, $"_subunit{record.Subunit}");
        }

        return name.ToString();
    }

    /// <summary>
    /// <c>volumeFlow</c> → <c>volume_flow</c>; a plain-text quantity (any text the meter chose) keeps its letters and
    /// digits, lower case, the rest as underscores.
    /// </summary>
    private static string SnakeCase(string quantity)
    {
        var name = new StringBuilder(quantity.Length + 4);
        foreach (var c in quantity)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                if (name.Length > 0 && name[^1] != '_')
                {
                    name.Append('_');
                }

                name.Append(char.ToLowerInvariant(c));
            }
            else if (char.IsAsciiLetterOrDigit(c))
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '_')
            {
                name.Append('_');
            }
        }

        var text = name.ToString().Trim('_');
        return text.Length == 0 ? "value" : text;
    }

    /// <summary>The field names of one meter's records, made once each, and the names already used in a readout.</summary>
    internal sealed class FieldNames
    {
        private readonly Dictionary<(string Quantity, MBusFunction Function, long Storage, int Tariff, int Subunit), string> names = [];

        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public string Of(in MBusRecord record)
        {
            // The name depends on the function only for maximum, minimum and error state.
            var function = record.Function is MBusFunction.Maximum or MBusFunction.Minimum or MBusFunction.ErrorState ? record.Function : MBusFunction.Instantaneous;
            var key = (record.Quantity, function, record.Storage, record.Tariff, record.Subunit);
            if (!names.TryGetValue(key, out var name))
            {
                name = FieldOf(record);
                names[key] = name;
            }

            return name;
        }
    }
}
