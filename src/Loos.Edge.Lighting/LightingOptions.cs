namespace Loos.Edge.Lighting;

/// <summary>
/// The site file's <c>lighting</c> section: the circuits the gateway switches and dims, the crew's programmes, the
/// calendar that picks a programme for each night, and how commands are confirmed.
/// </summary>
public sealed class LightingOptions
{
    /// <summary>The section's name in the site file.</summary>
    public const string SectionName = "lighting";

    /// <summary>The circuits: each a group of luminaires that always share one level.</summary>
    public List<CircuitOptions> Circuits { get; init; } = [];

    /// <summary>The programmes: each the ordered steps of one kind of night.</summary>
    public List<ProgrammeOptions> Programmes { get; init; } = [];

    /// <summary>The calendar: ordered rules, the first that matches a night names its programme.</summary>
    public List<CalendarRuleOptions> Calendar { get; init; } = [];

    /// <summary>
    /// The shortest time a circuit stays lit once switched on (lamps and contactors wear with short cycles); a lit
    /// span shorter than this is not switched on at all. Default 10 min.
    /// </summary>
    public TimeSpan MinimumBurnTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a controller has to report the level it was sent before the command is resent; default 60 s.</summary>
    public TimeSpan ConfirmTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait between two sends of an unconfirmed command (the back-off doubles up to it); default 10 min.</summary>
    public TimeSpan ResendMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The level a circuit is sent while the system clock is not trusted and the circuit has no confirmed level yet;
    /// null (the default) sends nothing then.
    /// </summary>
    public int? SafeLevel { get; set; }

    /// <summary>
    /// Whether the system clock must be trusted (synchronised by NTP, or <c>clock: trust: rtc</c>) before a scheduled step
    /// is taken; default true. A Pi without a real-time clock boots at a stale time.
    /// </summary>
    public bool RequireClockSync { get; set; } = true;

    /// <summary>Where overrides are kept across restarts; default <c>lighting-overrides.dat</c> beside the buffer.</summary>
    public string? OverridesFile { get; set; }

    /// <summary>The MQTT topic that takes overrides; default <c>loos-edge/&lt;clientId&gt;/lighting/override</c>.</summary>
    public string? OverrideTopic { get; set; }

    /// <summary>Whether the plan, the commands and the nightly energy are written as series; default true.</summary>
    public bool PublishSeries { get; set; } = true;

    /// <summary>Whether the section asks for anything to run.</summary>
    public bool IsEnabled => Circuits.Count > 0;

    /// <summary>
    /// Makes what the site file left empty (<c>name:</c> with no value, an empty list item) the empty text or a new
    /// entry, so that the checks report it as missing rather than meet a null.
    /// </summary>
    public void ReplaceEmptyValues()
    {
        ReplaceNullItems(Circuits);
        ReplaceNullItems(Programmes);
        ReplaceNullItems(Calendar);
        foreach (var circuit in Circuits)
        {
            circuit.Name ??= "";
            circuit.Preset ??= "lighting-controller";
            ReplaceNullTexts(circuit.Luminaires);
        }

        foreach (var programme in Programmes)
        {
            programme.Name ??= "";
            ReplaceNullItems(programme.Steps);
            foreach (var step in programme.Steps)
            {
                step.At ??= "";
            }
        }

        foreach (var rule in Calendar)
        {
            rule.Programme ??= "";
            ReplaceNullTexts(rule.Dates);
        }
    }

    private static void ReplaceNullItems<T>(List<T> items)
        where T : class, new()
    {
        for (var i = 0; i < items.Count; i++)
        {
            items[i] ??= new T();
        }
    }

    private static void ReplaceNullTexts(List<string> texts)
    {
        for (var i = 0; i < texts.Count; i++)
        {
            texts[i] ??= "";
        }
    }
}

/// <summary>How a circuit is switched.</summary>
public enum CircuitKind
{
    /// <summary>Dimmable luminaires behind a controller that takes commands over MQTT and reports their status.</summary>
    Mqtt,

    /// <summary>A cabinet contactor on a GPIO output: on when the level is above 0, off at 0.</summary>
    Relay,
}

/// <summary>How a level in % of light becomes the value a controller takes.</summary>
public enum DimmingCurve
{
    /// <summary>The level is sent as it is, 0–100.</summary>
    Linear,

    /// <summary>DALI's logarithmic arc level (IEC 62386-102), 0–254: 100 % is 254, 50 % is 229, 1 % is 85, 0 is off.</summary>
    Dali,
}

/// <summary>One circuit: a group of luminaires that share one level.</summary>
public sealed class CircuitOptions
{
    /// <summary>The circuit's name, as the crew calls it; unique.</summary>
    public string Name { get; set; } = "";

    /// <summary>How it is switched; default <c>mqtt</c>.</summary>
    public CircuitKind Kind { get; set; } = CircuitKind.Mqtt;

    /// <summary>MQTT: the controller's name, the <c>{controller}</c> of its topics.</summary>
    public string? Controller { get; set; }

    /// <summary>MQTT: the luminaires of the controller on this circuit, the <c>{luminaire}</c> of its topics.</summary>
    public List<string> Luminaires { get; init; } = [];

    /// <summary>MQTT: the preset whose command topic the controller listens on; default <c>lighting-controller</c>.</summary>
    public string Preset { get; set; } = "lighting-controller";

    /// <summary>Relay: the GPIO line (BCM number) driving the contactor.</summary>
    public int? Pin { get; set; }

    /// <summary>Relay: whether the contactor closes on a low output; default false.</summary>
    public bool ActiveLow { get; set; }

    /// <summary>The circuit's power at full light, W; required (the planned and saved energy come from it).</summary>
    public double RatedPowerW { get; set; }

    /// <summary>How a level becomes the value sent; default <c>linear</c>.</summary>
    public DimmingCurve Curve { get; set; } = DimmingCurve.Linear;
}

/// <summary>A programme: the ordered steps of one kind of night, which runs from noon to the next noon.</summary>
public sealed class ProgrammeOptions
{
    /// <summary>The programme's name, which calendar rules refer to; unique.</summary>
    public string Name { get; set; } = "";

    /// <summary>The steps in the order they happen in the night (evening first, then after midnight).</summary>
    public List<StepOptions> Steps { get; init; } = [];
}

/// <summary>One step of a programme: from when, which level.</summary>
public sealed class StepOptions
{
    /// <summary>
    /// When the step starts: a local clock time <c>HH:mm</c> (12:00–23:59 the evening, 00:00–11:59 the next morning), or
    /// a sun event: <c>sunset</c>, <c>civilDusk</c>, <c>nauticalDusk</c>, <c>astronomicalDusk</c>, <c>astronomicalDawn</c>,
    /// <c>nauticalDawn</c>, <c>civilDawn</c>, <c>sunrise</c>.
    /// </summary>
    public string At { get; set; } = "";

    /// <summary>Minutes added to a sun event (negative: before it); 0 by default.</summary>
    public int OffsetMinutes { get; set; }

    /// <summary>A sun step never starts before this local time (<c>HH:mm</c>); none by default.</summary>
    public string? NotBefore { get; set; }

    /// <summary>A sun step never starts after this local time (<c>HH:mm</c>); none by default.</summary>
    public string? NotAfter { get; set; }

    /// <summary>The level from this step on, % of full light, 0 (off) to 100.</summary>
    public int? Level { get; set; }
}

/// <summary>
/// A calendar rule: the nights it matches (every condition given must hold; a rule with none matches every night)
/// and the programme they get.
/// </summary>
public sealed class CalendarRuleOptions
{
    /// <summary>A name for the rule, shown in plans; default its position.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Dates the night starts on: <c>yyyy-MM-dd</c>, <c>MM-dd</c> every year, or ranges <c>A..B</c> of either form
    /// (a recurring range may cross the new year: <c>12-20..01-05</c>).
    /// </summary>
    public List<string> Dates { get; init; } = [];

    /// <summary>The weekdays the night starts on (<c>monday</c> … <c>sunday</c>); any by default.</summary>
    public List<DayOfWeek> Weekdays { get; init; } = [];

    /// <summary>Only nights that start on a French public holiday.</summary>
    public bool Holidays { get; set; }

    /// <summary>Only nights that start on the eve of a French public holiday.</summary>
    public bool HolidayEves { get; set; }

    /// <summary>The programme of the nights the rule matches; required.</summary>
    public string Programme { get; set; } = "";
}
