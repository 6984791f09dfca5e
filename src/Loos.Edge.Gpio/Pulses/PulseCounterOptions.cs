namespace Loos.Edge.Gpio.Pulses;

/// <summary>One S0 pulse counter on a GPIO pin (site file: <c>gpio:pulseCounters[]</c>).</summary>
public sealed class PulseCounterOptions
{
    /// <summary>The counter's name, unique; the <c>device</c> tag of its series and the name of its saved count. Required.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The BCM GPIO number the S0 output is wired to (0–27 on a Raspberry Pi header). Required.</summary>
    public int? Pin { get; set; }

    /// <summary>
    /// The edge that counts; <see cref="PulseEdge.Falling"/> by default: an S0 output is an open collector, so the pin
    /// is pulled up and a pulse pulls it low. With <see cref="PulseEdge.Rising"/> the pin is pulled down.
    /// </summary>
    public PulseEdge Edge { get; set; } = PulseEdge.Falling;

    /// <summary>
    /// Edges closer than this to the last counted pulse, or to the last release of the contact, are contact bounce;
    /// 5 ms by default, at most 30 ms: an S0 pulse and the pause after it last at least 30 ms (EN 62053-31).
    /// </summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The meter constant: pulses per kWh for <c>energy</c>, per m³ for <c>volume</c> (1000 imp/kWh, 100 imp/m³ for 1 imp/10 l). Required.</summary>
    public double PulsesPerUnit { get; set; }

    /// <summary>What the meter counts; <see cref="PulseQuantity.Energy"/> by default.</summary>
    public PulseQuantity Quantity { get; set; } = PulseQuantity.Energy;

    /// <summary>
    /// The unit of the cumulative series: <c>Wh</c> (default) or <c>kWh</c> for energy, <c>m³</c> (default) or
    /// <c>l</c> for volume. The derived series is in that unit per hour (<c>W</c>, <c>kW</c>, <c>m³/h</c>, <c>l/h</c>).
    /// </summary>
    public string? Unit { get; set; }

    /// <summary>The measurement; <c>electricity_meter</c> for energy and <c>water_meter</c> for volume by default.</summary>
    public string? Measurement { get; set; }

    /// <summary>The <c>home</c> tag, when the meter belongs to one home; none by default.</summary>
    public string? Home { get; set; }

    /// <summary>Tags added to both series, e.g. <c>building: residence-les-tilleuls</c>; none by default.</summary>
    public Dictionary<string, string> Tags { get; init; } = [];

    /// <summary>
    /// How often the cumulative value and the derived power or flow (the average over the interval) are written,
    /// aligned to the wall clock; 1 min by default.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the count is saved to disk besides every written reading and at stop; 10 s by default: a power cut loses at most the pulses of this long.</summary>
    public TimeSpan PersistInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The meter's display when the counter was commissioned, in <see cref="Unit"/>, so that the series equals the
    /// display; 0 by default. Changing it re-commissions the counter: counting starts again from the new value.
    /// </summary>
    public double InitialValue { get; set; }
}

/// <summary>The edge of an S0 pulse that is counted.</summary>
public enum PulseEdge
{
    /// <summary>High to low: the open collector closes (pin pulled up).</summary>
    Falling,

    /// <summary>Low to high (pin pulled down).</summary>
    Rising,
}

/// <summary>What a pulse meter counts.</summary>
public enum PulseQuantity
{
    /// <summary>Electrical or heat energy; the meter constant is per kWh; field <c>energy</c>, derived field <c>power</c>.</summary>
    Energy,

    /// <summary>Water or gas volume; the meter constant is per m³; field <c>volume</c>, derived field <c>flow</c>.</summary>
    Volume,
}
