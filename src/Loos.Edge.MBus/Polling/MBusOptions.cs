namespace Loos.Edge.MBus.Polling;

/// <summary>The site file's <c>mbus</c> section: the wired M-Bus lines the gateway polls and their meters.</summary>
public sealed class MBusOptions
{
    /// <summary>The configuration section the host binds these options from.</summary>
    public const string SectionName = "mbus";

    /// <summary>
    /// The IANA time zone the meters' own clocks run in (their date/time records carry local time without an
    /// offset); <c>Europe/Paris</c> by default.
    /// </summary>
    public string MeterTimeZone { get; set; } = "Europe/Paris";

    /// <summary>The lines; none by default.</summary>
    public List<MBusPolledLineOptions> Lines { get; init; } = [];
}

/// <summary>One M-Bus line: a level converter on a serial port, and the meters wired to it.</summary>
public sealed class MBusPolledLineOptions
{
    /// <summary>The line name, unique, used in logs and health; required.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The serial device of the level converter, e.g. <c>/dev/ttyUSB0</c>; required.</summary>
    public string Device { get; set; } = string.Empty;

    /// <summary>Baud rate; 2400 by default, the rate nearly every meter ships with (EN 13757-2 allows 300 to 38400).</summary>
    public int Baud { get; set; } = 2400;

    /// <summary><c>N</c>, <c>E</c> or <c>O</c>; <c>E</c> by default (EN 13757-2: 8 data bits, even parity, 1 stop bit).</summary>
    public string Parity { get; set; } = "E";

    /// <summary>1 or 2; 1 by default.</summary>
    public int StopBits { get; set; } = 1;

    /// <summary>How long a meter has to start its reply; by default the EN 13757-2 limit, 330 bit times plus 50 ms.</summary>
    public TimeSpan? ResponseTimeout { get; set; }

    /// <summary>Silence inside a reply after which it is taken as ended; by default 20 character times but at least 50 ms.</summary>
    public TimeSpan? InterCharacterTimeout { get; set; }

    /// <summary>Repeats of a request that got no valid reply; 2 by default.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The most telegrams read from one meter in one readout; 16 by default.</summary>
    public int MaxTelegrams { get; set; } = 16;

    /// <summary>Consecutive unanswered readouts before a meter is backed off; 3 by default.</summary>
    public int OfflineAfterTimeouts { get; set; } = 3;

    /// <summary>The first back-off of a meter that stopped answering, doubled after each failed probe; 10 s by default.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest back-off; 5 min by default.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The meters on the line; none by default.</summary>
    public List<MBusMeterOptions> Meters { get; init; } = [];
}

/// <summary>One meter on a line, addressed by its primary or its secondary address.</summary>
public sealed class MBusMeterOptions
{
    /// <summary>The meter name, unique on the line; the <c>device</c> tag of its series. Required.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The <c>home</c> tag (the heating analysis groups by it); required for the <c>heat-meter</c> profile.</summary>
    public string? Home { get; set; }

    /// <summary>The primary address, 0–250, or 254 for the only meter on the line; exclusive with <see cref="Secondary"/>.</summary>
    public int? Address { get; set; }

    /// <summary>
    /// The secondary address: the 8-digit identification number, optionally followed by <c>:MAN:VERSION:MEDIUM</c>,
    /// without wildcards; exclusive with <see cref="Address"/>.
    /// </summary>
    public string? Secondary { get; set; }

    /// <summary><c>heat-meter</c> or <c>all-records</c>; <c>heat-meter</c> by default.</summary>
    public string Profile { get; set; } = HeatMeterProfile.Name;

    /// <summary>How often the meter is read, aligned to the wall clock; 15 min by default.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Tags added to every series of the meter, e.g. <c>building: residence-les-tilleuls</c>; none by default.</summary>
    public Dictionary<string, string> Tags { get; init; } = [];
}
