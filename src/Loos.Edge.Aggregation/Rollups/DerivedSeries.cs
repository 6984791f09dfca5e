using Loos.Edge.Core;

namespace Loos.Edge.Aggregation.Rollups;

/// <summary>
/// The series a rollup writes: for a reading's series <c>heat_meter,home=12 energy (Wh)</c> and the 15-minute window,
/// measurement <c>heat_meter_15m</c> with the same tags and the fields <c>energy_count</c>, <c>energy_min</c>,
/// <c>energy_max</c>, <c>energy_mean</c>, <c>energy_last</c> and <c>energy_increase</c> (the counter's consumption in the
/// window), stamped with the window's start.
/// </summary>
public static class DerivedSeries
{
    private static readonly string[] Labels = ["1m", "15m", "1h", "1d"];

    /// <summary>The label of a window length, as in the derived measurement's name.</summary>
    public static string Label(RollupWindow window) => Labels[(int)window];

    /// <summary>Reads <c>1m</c>, <c>15m</c>, <c>1h</c> or <c>1d</c>.</summary>
    public static bool TryParseWindow(string text, out RollupWindow window)
    {
        var index = Array.IndexOf(Labels, text?.Trim());
        window = index < 0 ? default : (RollupWindow)index;
        return index >= 0;
    }

    /// <summary>The measurement of each home's published heating year (see the heating report).</summary>
    public const string HeatingMeasurement = "heating";

    /// <summary>The measurement of the published daily heating figures.</summary>
    public const string HeatingDailyMeasurement = "heating_daily";

    /// <summary>Whether <paramref name="measurement"/> is one the gateway computed (a rollup, the heating figures), so that it is never rolled up.</summary>
    public static bool IsDerived(string measurement) =>
        measurement is HeatingMeasurement or HeatingDailyMeasurement || Labels.Any(label => measurement.Length > label.Length + 1 && measurement.EndsWith(label, StringComparison.Ordinal) && measurement[^(label.Length + 1)] == '_');

    /// <summary>The six series of <paramref name="source"/>'s rollup over <paramref name="window"/>: count, min, max, mean, last, increase.</summary>
    public static SeriesKey[] For(SeriesKey source, RollupWindow window)
    {
        ArgumentNullException.ThrowIfNull(source);
        var measurement = $"{source.Measurement}_{Label(window)}";
        var tags = source.Tags.ToArray();
        return
        [
            new SeriesKey(measurement, tags, source.Field + "_count", string.Empty, ValueKind.Integer),
            new SeriesKey(measurement, tags, source.Field + "_min", source.Unit),
            new SeriesKey(measurement, tags, source.Field + "_max", source.Unit),
            new SeriesKey(measurement, tags, source.Field + "_mean", source.Unit),
            new SeriesKey(measurement, tags, source.Field + "_last", source.Unit),
            new SeriesKey(measurement, tags, source.Field + "_increase", source.Unit),
        ];
    }
}
