namespace Loos.Edge.Modbus.Polling;

/// <summary>The site file's <c>modbus</c> section: the buses the gateway polls, their devices and points.</summary>
public sealed class ModbusOptions
{
    /// <summary>The configuration section the host binds these options from.</summary>
    public const string SectionName = "modbus";

    /// <summary>The buses; none by default.</summary>
    public List<ModbusBusOptions> Buses { get; init; } = [];

    /// <summary>
    /// The folder holding device profiles (<c>&lt;profile&gt;.yaml</c>); no default: the host sets it (the shipped
    /// profiles are in <c>firmware-config/profiles/</c>). Required when a device names a profile.
    /// </summary>
    public string? ProfileDirectory { get; set; }
}

/// <summary>One bus: a Modbus TCP device or gateway, a serial RTU line, or a serial gateway carrying RTU over TCP.</summary>
public sealed class ModbusBusOptions
{
    /// <summary>The bus name, unique, used in logs and health; required.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary><c>tcp</c> (MBAP), <c>rtu</c> (serial line) or <c>rtu-over-tcp</c> (serial gateway); <c>tcp</c> by default.</summary>
    public string Kind { get; set; } = "tcp";

    /// <summary>Host name or address, for <c>tcp</c> and <c>rtu-over-tcp</c>.</summary>
    public string? Host { get; set; }

    /// <summary>TCP port; 502 by default (MODBUS Messaging on TCP/IP Implementation Guide v1.0b §4.1.2).</summary>
    public int Port { get; set; } = 502;

    /// <summary>The serial device for <c>rtu</c>, e.g. <c>/dev/ttyUSB0</c>.</summary>
    public string? Device { get; set; }

    /// <summary>Baud rate of the serial line (also behind an <c>rtu-over-tcp</c> gateway); 9600 by default (Modbus over Serial Line v1.02 §3.3.1.2).</summary>
    public int Baud { get; set; } = 9600;

    /// <summary><c>N</c>, <c>E</c> or <c>O</c>; <c>E</c> by default (Modbus over Serial Line v1.02 §2.5.1: even parity by default).</summary>
    public string Parity { get; set; } = "E";

    /// <summary>1 or 2; 1 by default (two are used with no parity, §2.5.1).</summary>
    public int StopBits { get; set; } = 1;

    /// <summary>
    /// <c>rtu</c>: RS-485 direction control in software (RTS raised while sending), for adapters whose transceiver is
    /// wired to RTS; false by default, as most USB RS-485 adapters switch direction themselves.
    /// </summary>
    public bool Rs485DirectionControl { get; set; }

    /// <summary>How long to wait for a reply; 1 s by default.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Silence kept between the end of one request and the next on the bus (a device's inter-frame delay), on top of the RTU 3.5-character interval; none by default.</summary>
    public TimeSpan QuietTime { get; set; } = TimeSpan.Zero;

    /// <summary>How many requests may be on the bus at once (one connection each); 1 by default, always 1 for <c>rtu</c>.</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>Consecutive unanswered polls before a device is backed off; 3 by default.</summary>
    public int OfflineAfterTimeouts { get; set; } = 3;

    /// <summary>The first back-off of a device that stopped answering, doubled after each failed probe; 10 s by default.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest back-off; 5 min by default.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The devices on the bus; none by default.</summary>
    public List<ModbusDeviceOptions> Devices { get; init; } = [];
}

/// <summary>One device (unit) on a bus, with its points from a profile, inline, or both; or discovered (<see cref="SunSpec"/>).</summary>
public sealed class ModbusDeviceOptions
{
    /// <summary>The device name, unique on the bus; also the <c>device</c> tag unless <see cref="Tags"/> sets one. Required.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The unit id (slave address): 1–247 on a serial line; 0–255 on TCP (255 or 1 for most TCP devices). 1 by default.</summary>
    public int UnitId { get; set; } = 1;

    /// <summary>A device profile name (a file <c>&lt;name&gt;.yaml</c> in <see cref="ModbusOptions.ProfileDirectory"/>) whose points are polled; none by default.</summary>
    public string? Profile { get; set; }

    /// <summary>The measurement of the device's series, unless a point sets its own; the profile's, else <c>modbus</c>.</summary>
    public string? Measurement { get; set; }

    /// <summary>Tags added to every series of the device, e.g. <c>building: school-jaures</c>; none by default.</summary>
    public Dictionary<string, string> Tags { get; init; } = [];

    /// <summary>The most registers one request may read (devices needing smaller blocks); the profile's, else 125.</summary>
    public int? MaxRegistersPerRequest { get; set; }

    /// <summary>Unused registers one request may read between two points; the profile's, else 10 (125 with <see cref="SunSpec"/>: the whole map is readable). 0 for devices that refuse reads of unmapped registers.</summary>
    public int? MaxGapRegisters { get; set; }

    /// <summary>How often points without their own interval are read, aligned to the wall clock; 1 min by default.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Points polled besides (or instead of) the profile's; none by default.</summary>
    public List<ModbusPointOptions> Points { get; init; } = [];

    /// <summary>
    /// Whether the device's points come from its SunSpec map, discovered when the poller starts (and retried on the
    /// device's back-off until the device answers) instead of from <see cref="Profile"/> or <see cref="Points"/>;
    /// false by default. Needs <c>AddSunSpecDiscovery()</c> in the host.
    /// </summary>
    public bool SunSpec { get; set; }

    /// <summary>
    /// With <see cref="SunSpec"/>, the SunSpec models whose points are polled (e.g. <c>[101, 103, 160]</c>); by
    /// default the measurement models the device has among 101–103, 111–113, 160, 701, 713 and 714.
    /// </summary>
    public List<int> SunSpecModels { get; init; } = [];
}

/// <summary>One point: a value read from a device into one series.</summary>
public sealed class ModbusPointOptions
{
    /// <summary>The series field, e.g. <c>power_w</c>; unique per device. Required.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary><c>holding</c>, <c>input</c>, <c>coil</c> or <c>discrete-input</c>; <c>holding</c> by default.</summary>
    public string Table { get; set; } = "holding";

    /// <summary>The 0-based protocol address (datasheet register 30001 is input address 0, 40001 holding address 0). Required.</summary>
    public int? Address { get; set; }

    /// <summary><c>u16</c>, <c>i16</c>, <c>u32</c>, <c>i32</c>, <c>u64</c>, <c>i64</c>, <c>f32</c>, <c>f64</c> or <c>bit</c>; <c>u16</c> by default (<c>bit</c> for coil and discrete-input tables).</summary>
    public string? Type { get; set; }

    /// <summary>Word and byte order: <c>ABCD</c> (default), <c>CDAB</c>, <c>BADC</c> or <c>DCBA</c>; see <see cref="Points.WordOrder"/>.</summary>
    public string Order { get; set; } = "ABCD";

    /// <summary>The factor applied to the raw value (value = raw × scale + offset); 1 by default.</summary>
    public double Scale { get; set; } = 1;

    /// <summary>Added after scaling; 0 by default.</summary>
    public double Offset { get; set; }

    /// <summary>The unit of the scaled value, e.g. <c>W</c>, <c>kWh</c>; none by default.</summary>
    public string? Unit { get; set; }

    /// <summary>How often the point is read; the device's interval by default.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>The measurement of this point's series; the device's by default.</summary>
    public string? Measurement { get; set; }
}
