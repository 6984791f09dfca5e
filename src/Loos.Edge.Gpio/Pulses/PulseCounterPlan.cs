using System.Device.Gpio;
using System.Globalization;
using Loos.Edge.Core;

namespace Loos.Edge.Gpio.Pulses;

/// <summary>One counter ready to run: its options checked, its series named.</summary>
internal sealed record PulseCounterPlan(
    string Name,
    int Pin,
    PinEventTypes Edge,
    TimeSpan Debounce,
    double PulsesPerUnit,
    double UnitsPerMeterUnit,
    TimeSpan Interval,
    TimeSpan PersistInterval,
    double InitialValue,
    SeriesKey CounterSeries,
    SeriesKey DerivedSeries)
{
    /// <summary>The cumulative value in the series' unit after <paramref name="pulses"/> pulses since commissioning.</summary>
    public double ValueAt(long pulses) => InitialValue + pulses * UnitsPerMeterUnit / PulsesPerUnit;

    /// <summary>The average power or flow, in the series' unit per hour, of <paramref name="pulses"/> pulses over <paramref name="span"/>.</summary>
    public double RatePerHour(long pulses, TimeSpan span) => pulses * UnitsPerMeterUnit / PulsesPerUnit / span.TotalHours;
}

/// <summary>The units each quantity can be written in.</summary>
internal static class PulseUnits
{
    /// <summary>Unit, how many of it make the meter constant's unit (kWh, m³), and the unit of the derived rate.</summary>
    private static readonly Dictionary<PulseQuantity, (string Unit, double PerMeterUnit, string RateUnit)[]> Units = new()
    {
        [PulseQuantity.Energy] = [("Wh", 1000, "W"), ("kWh", 1, "kW")],
        [PulseQuantity.Volume] = [("m³", 1, "m³/h"), ("l", 1000, "l/h")],
    };

    public static (string Unit, double PerMeterUnit, string RateUnit)? Find(PulseQuantity quantity, string? unit)
    {
        if (!Units.TryGetValue(quantity, out var units))
        {
            return null;
        }

        return string.IsNullOrEmpty(unit) ? units[0] : Array.Find(units, u => u.Unit == unit) is { Unit: not null } found ? found : null;
    }

    public static string Known(PulseQuantity quantity) => Units.TryGetValue(quantity, out var units) ? string.Join(", ", units.Select(u => u.Unit)) : string.Empty;

    public static string FieldOf(PulseQuantity quantity) => quantity == PulseQuantity.Energy ? "energy" : "volume";

    public static string RateFieldOf(PulseQuantity quantity) => quantity == PulseQuantity.Energy ? "power" : "flow";

    public static string MeasurementOf(PulseQuantity quantity) => quantity == PulseQuantity.Energy ? "electricity_meter" : "water_meter";
}

/// <summary>Turns <c>gpio:pulseCounters</c> into plans, collecting every problem with its key path.</summary>
internal static class PulseCounterPlanner
{
    /// <summary>EN 62053-31: a pulse, and the pause after it, last at least 30 ms.</summary>
    private static readonly TimeSpan LongestDebounce = TimeSpan.FromMilliseconds(30);

    public static IReadOnlyList<PulseCounterPlan> Plan(GpioOptions options, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(problems);
        var plans = new List<PulseCounterPlan>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var pins = new Dictionary<int, string>();
        for (var index = 0; index < options.PulseCounters.Count; index++)
        {
            var path = $"{GpioOptions.SectionName}:pulseCounters:{index}";
            if (options.PulseCounters[index] is not { } counter)
            {
                problems.Add(path, "is empty");
                continue;
            }

            if (PlanCounter(counter, path, names, pins, problems) is { } plan)
            {
                plans.Add(plan);
            }
        }

        return plans;
    }

    private static PulseCounterPlan? PlanCounter(PulseCounterOptions counter, string path, Dictionary<string, int> names, Dictionary<int, string> pins, ConfigurationProblems problems)
    {
        var problemsBefore = problems.Count;
        if (string.IsNullOrWhiteSpace(counter.Name))
        {
            problems.Add($"{path}:name", "is required");
        }
        else if (!names.TryAdd(counter.Name, names.Count))
        {
            problems.Add($"{path}:name", $"'{counter.Name}' is used by another pulse counter");
        }

        if (counter.Pin is not { } pin)
        {
            problems.Add($"{path}:pin", "is required: the BCM GPIO number the S0 output is wired to (0-27)");
        }
        else if (pin is < 0 or > 27)
        {
            problems.Add($"{path}:pin", $": {pin} is not a BCM GPIO number of the 40-pin header (0-27)");
        }
        else if (pins.TryGetValue(pin, out var other))
        {
            problems.Add($"{path}:pin", $": {pin} is also the pin of {other}");
        }
        else
        {
            pins[pin] = string.IsNullOrWhiteSpace(counter.Name) ? path : $"counter '{counter.Name}'";
        }

        if (counter.Edge is not (PulseEdge.Falling or PulseEdge.Rising))
        {
            problems.Add($"{path}:edge", $": '{counter.Edge}' is not one of falling, rising");
        }

        if (counter.Debounce < TimeSpan.Zero || counter.Debounce > LongestDebounce)
        {
            problems.Add($"{path}:debounce", $": {counter.Debounce.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms is not between 0 and 30 ms (EN 62053-31: a pulse and its pause last at least 30 ms)");
        }

        if (!double.IsFinite(counter.PulsesPerUnit) || counter.PulsesPerUnit <= 0)
        {
            var per = counter.Quantity == PulseQuantity.Volume ? "m³" : "kWh";
            problems.Add($"{path}:pulsesPerUnit", $"must be positive: the meter constant in pulses per {per}, printed on the meter (e.g. 1000 imp/kWh)");
        }

        var unit = PulseUnits.Find(counter.Quantity, counter.Unit);
        if (!Enum.IsDefined(counter.Quantity))
        {
            problems.Add($"{path}:quantity", $": '{counter.Quantity}' is not one of energy, volume");
        }
        else if (unit is null)
        {
            problems.Add($"{path}:unit", $": '{counter.Unit}' is not a unit of {PulseUnits.FieldOf(counter.Quantity)} ({PulseUnits.Known(counter.Quantity)})");
        }

        if (counter.Interval <= TimeSpan.Zero)
        {
            problems.Add($"{path}:interval", "must be positive");
        }

        if (counter.PersistInterval <= TimeSpan.Zero)
        {
            problems.Add($"{path}:persistInterval", "must be positive");
        }

        if (!double.IsFinite(counter.InitialValue) || counter.InitialValue < 0)
        {
            problems.Add($"{path}:initialValue", "must be a number at least 0: the meter's display at commissioning");
        }

        if (counter.Measurement is { } measurement && string.IsNullOrWhiteSpace(measurement))
        {
            problems.Add($"{path}:measurement", "must not be empty");
        }

        if (counter.Home is { } home && string.IsNullOrWhiteSpace(home))
        {
            problems.Add($"{path}:home", "must not be empty");
        }

        foreach (var (key, value) in counter.Tags)
        {
            if (string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{path}:tags:{key}", "must have a non-empty name and value");
            }
            else if (key is "home" or "device" or "unit")
            {
                problems.Add($"{path}:tags:{key}", $": the {key} tag comes from the counter's {(key == "device" ? "name" : key)} key");
            }
        }

        if (problems.Count > problemsBefore)
        {
            return null;
        }

        var tags = counter.Tags.Select(t => new Tag(t.Key, t.Value)).ToList();
        tags.Add(new Tag("device", counter.Name));
        if (counter.Home is { } homeTag)
        {
            tags.Add(new Tag("home", homeTag));
        }

        var (unitName, perMeterUnit, rateUnit) = unit!.Value;
        var measurementName = counter.Measurement ?? PulseUnits.MeasurementOf(counter.Quantity);
        return new PulseCounterPlan(
            counter.Name,
            counter.Pin!.Value,
            counter.Edge == PulseEdge.Rising ? PinEventTypes.Rising : PinEventTypes.Falling,
            counter.Debounce,
            counter.PulsesPerUnit,
            perMeterUnit,
            counter.Interval,
            counter.PersistInterval,
            counter.InitialValue,
            new SeriesKey(measurementName, tags, PulseUnits.FieldOf(counter.Quantity), unitName),
            new SeriesKey(measurementName, tags, PulseUnits.RateFieldOf(counter.Quantity), rateUnit));
    }
}
