using System.Globalization;
using Loos.Edge.Core;
using Loos.Edge.Modbus.Points;
using Loos.Edge.Polling;

namespace Loos.Edge.Modbus.Polling;

/// <summary>
/// The points of one device polled at one interval, and the read requests that cover them. The first
/// <see cref="EmittedCount"/> points feed series; the others are registers read only for the points' scale factors.
/// </summary>
internal sealed record PointGroup(TimeSpan Interval, IReadOnlyList<ModbusPoint> Points, IReadOnlyList<ReadBlock> Blocks)
{
    public int EmittedCount { get; init; } = Points.Count;
}

/// <summary>One device ready to poll; with <see cref="Discovery"/> set, its groups come from a discovery at run time.</summary>
internal sealed record DevicePlan(string Name, byte UnitId, IReadOnlyList<PointGroup> Groups)
{
    /// <summary>What a discovery needs, for a device whose points are discovered (<c>sunspec: true</c>); null otherwise.</summary>
    public ModbusDiscoveryRequest? Discovery { get; init; }

    /// <summary>The device's interval, at which a pending discovery is tried.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    public int MaxRegistersPerRequest { get; init; } = RequestCoalescer.MaxRegistersPerRequest;

    public int MaxGapRegisters { get; init; } = 10;
}

/// <summary>One bus ready to poll.</summary>
internal sealed record BusPlan(ModbusBusOptions Options, IReadOnlyList<DevicePlan> Devices);

/// <summary>Turns the <c>modbus</c> section (and the profiles it names) into poll plans, collecting every problem with its key path.</summary>
internal static class ModbusPlanner
{
    public const string DefaultMeasurement = "modbus";

    public static IReadOnlyList<BusPlan> Plan(ModbusOptions options, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        var buses = new List<BusPlan>();
        var busNames = new HashSet<string>(StringComparer.Ordinal);
        var profiles = new Dictionary<string, DeviceProfile?>(StringComparer.Ordinal);
        for (var busIndex = 0; busIndex < options.Buses.Count; busIndex++)
        {
            var bus = options.Buses[busIndex];
            var path = $"{ModbusOptions.SectionName}:buses:{busIndex}";
            if (bus is null)
            {
                problems.Add(path, "is empty");
                continue;
            }

            CheckBus(bus, path, busNames, problems);
            var devices = new List<DevicePlan>();
            var deviceNames = new HashSet<string>(StringComparer.Ordinal);
            for (var deviceIndex = 0; deviceIndex < bus.Devices.Count; deviceIndex++)
            {
                var devicePath = $"{path}:devices:{deviceIndex}";
                if (bus.Devices[deviceIndex] is not { } device)
                {
                    problems.Add(devicePath, "is empty");
                    continue;
                }

                if (PlanDevice(options, bus, device, devicePath, deviceNames, profiles, problems) is { } plan)
                {
                    devices.Add(plan);
                }
            }

            buses.Add(new BusPlan(bus, devices));
        }

        return buses;
    }

    private static void CheckBus(ModbusBusOptions bus, string path, HashSet<string> names, ConfigurationProblems problems)
    {
        if (string.IsNullOrWhiteSpace(bus.Name))
        {
            problems.Add($"{path}:name", "is required");
        }
        else if (!names.Add(bus.Name))
        {
            problems.Add($"{path}:name", $"'{bus.Name}' is used by another bus");
        }

        switch (bus.Kind)
        {
            case "tcp" or "rtu-over-tcp":
                if (string.IsNullOrWhiteSpace(bus.Host))
                {
                    problems.Add($"{path}:host", $"is required for kind {bus.Kind}");
                }

                if (bus.Port is < 1 or > 65535)
                {
                    problems.Add($"{path}:port", $"{bus.Port} is not between 1 and 65535");
                }

                break;
            case "rtu":
                if (string.IsNullOrWhiteSpace(bus.Device))
                {
                    problems.Add($"{path}:device", "is required for kind rtu, e.g. /dev/ttyUSB0");
                }

                if (bus.Concurrency != 1)
                {
                    problems.Add($"{path}:concurrency", "must be 1 on a serial line");
                }

                break;
            default:
                problems.Add($"{path}:kind", $"'{bus.Kind}' is not one of tcp, rtu, rtu-over-tcp");
                break;
        }

        if (bus.Kind is "rtu" or "rtu-over-tcp")
        {
            if (bus.Baud is < 300 or > 1_000_000)
            {
                problems.Add($"{path}:baud", $"{bus.Baud} is not between 300 and 1000000");
            }

            if (bus.Parity is not ("N" or "E" or "O"))
            {
                problems.Add($"{path}:parity", $"'{bus.Parity}' is not one of N, E, O");
            }

            if (bus.StopBits is not (1 or 2))
            {
                problems.Add($"{path}:stopBits", $"{bus.StopBits} is not 1 or 2");
            }
        }

        if (bus.ResponseTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{path}:responseTimeout", "must be positive");
        }

        if (bus.QuietTime < TimeSpan.Zero)
        {
            problems.Add($"{path}:quietTime", "must not be negative");
        }

        if (bus.Concurrency is < 1 or > 16)
        {
            problems.Add($"{path}:concurrency", $"{bus.Concurrency} is not between 1 and 16");
        }

        new DeviceCircuitOptions { OfflineAfterTimeouts = bus.OfflineAfterTimeouts, InitialBackoff = bus.InitialBackoff, MaxBackoff = bus.MaxBackoff }.Check(path, problems);
    }

    private static DevicePlan? PlanDevice(
        ModbusOptions options,
        ModbusBusOptions bus,
        ModbusDeviceOptions device,
        string path,
        HashSet<string> names,
        Dictionary<string, DeviceProfile?> profiles,
        ConfigurationProblems problems)
    {
        var problemsBefore = problems.Count;
        if (string.IsNullOrWhiteSpace(device.Name))
        {
            problems.Add($"{path}:name", "is required");
        }
        else if (!names.Add(device.Name))
        {
            problems.Add($"{path}:name", $"'{device.Name}' is used by another device on this bus");
        }

        // Serial line unit ids: 1–247, 0 is broadcast (Modbus over Serial Line v1.02 §2.2); TCP carries any byte.
        var (lowestUnit, highestUnit) = bus.Kind == "tcp" ? (0, 255) : (1, 247);
        if (device.UnitId < lowestUnit || device.UnitId > highestUnit)
        {
            problems.Add($"{path}:unitId", $"{device.UnitId} is not between {lowestUnit} and {highestUnit}");
        }

        if (device.Interval <= TimeSpan.Zero)
        {
            problems.Add($"{path}:interval", "must be positive");
        }

        foreach (var (key, value) in device.Tags)
        {
            if (string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{path}:tags:{key}", "must have a non-empty name and value");
            }
        }

        DeviceProfile? profile = null;
        if (!string.IsNullOrWhiteSpace(device.Profile))
        {
            profile = LoadProfile(options, device.Profile, $"{path}:profile", profiles, problems);
        }

        var maxRegisters = device.MaxRegistersPerRequest ?? profile?.MaxRegistersPerRequest ?? RequestCoalescer.MaxRegistersPerRequest;
        if (maxRegisters is < 1 or > RequestCoalescer.MaxRegistersPerRequest)
        {
            problems.Add($"{path}:maxRegistersPerRequest", $"{maxRegisters} is not between 1 and 125");
        }

        // A SunSpec map is contiguous and readable throughout (the discovery reads every register of it), so reading
        // the strings, enums and padding between two polled points costs bytes, not a refused request.
        var maxGap = device.MaxGapRegisters ?? profile?.MaxGapRegisters ?? (device.SunSpec ? RequestCoalescer.MaxRegistersPerRequest : 10);
        if (maxGap is < 0 or > RequestCoalescer.MaxRegistersPerRequest)
        {
            problems.Add($"{path}:maxGapRegisters", $"{maxGap} is not between 0 and 125");
        }

        if (device.SunSpec)
        {
            // The map is the device's own: a second source of points for the same series would be ambiguous.
            if (!string.IsNullOrWhiteSpace(device.Profile))
            {
                problems.Add($"{path}:sunspec", $"cannot be combined with profile '{device.Profile}': the points come from the device's SunSpec map");
            }

            if (device.Points.Count > 0)
            {
                problems.Add($"{path}:sunspec", "cannot be combined with points: the points come from the device's SunSpec map (use another device entry with the same unitId for extra registers)");
            }
        }
        else if (device.SunSpecModels.Count > 0)
        {
            problems.Add($"{path}:sunspecModels", "needs sunspec: true");
        }
        else if (profile is null && device.Points.Count == 0 && string.IsNullOrWhiteSpace(device.Profile))
        {
            problems.Add(path, "has neither a profile, points nor sunspec: true");
        }

        for (var i = 0; i < device.SunSpecModels.Count; i++)
        {
            // SunSpec Information Model Specification §4.2: model ids are 1–65534, 0xFFFF ends the chain.
            if (device.SunSpecModels[i] is < 1 or > 65534)
            {
                problems.Add($"{path}:sunspecModels:{i}", $"{device.SunSpecModels[i]} is not a SunSpec model id (1 to 65534)");
            }
        }

        var measurement = device.Measurement ?? profile?.Measurement ?? DefaultMeasurement;
        // A tag without a name or value is reported above; the series are planned without it.
        var tags = device.Tags.Where(t => !string.IsNullOrWhiteSpace(t.Key) && !string.IsNullOrWhiteSpace(t.Value)).Select(t => new Tag(t.Key, t.Value)).ToList();
        if (!device.Tags.ContainsKey("device") && !string.IsNullOrWhiteSpace(device.Name))
        {
            tags.Add(new Tag("device", device.Name));
        }

        var points = new List<ModbusPoint>();
        var fields = new HashSet<string>(StringComparer.Ordinal);
        if (profile is not null)
        {
            for (var i = 0; i < profile.Points.Count; i++)
            {
                var profilePath = $"{path}:profile '{device.Profile}': points:{i}";
                AddPoint(profile.Points[i], profilePath, device, measurement, tags, maxRegisters, fields, points, problems);
            }
        }

        for (var i = 0; i < device.Points.Count; i++)
        {
            AddPoint(device.Points[i], $"{path}:points:{i}", device, measurement, tags, maxRegisters, fields, points, problems);
        }

        if (problems.Count > problemsBefore)
        {
            return null;
        }

        return new DevicePlan(device.Name, (byte)device.UnitId, device.SunSpec ? [] : Group(points, maxRegisters, maxGap))
        {
            Discovery = device.SunSpec ? new ModbusDiscoveryRequest(device, (byte)device.UnitId, tags, maxRegisters) : null,
            Interval = device.Interval,
            MaxRegistersPerRequest = maxRegisters,
            MaxGapRegisters = maxGap,
        };
    }

    /// <summary>
    /// Groups points by interval and covers each group with read blocks; the registers of the points' scale factors
    /// are read in the same blocks as points of their own, which feed no series.
    /// </summary>
    /// <exception cref="ArgumentException">A point is longer than <paramref name="maxRegisters"/>.</exception>
    public static IReadOnlyList<PointGroup> Group(IReadOnlyList<ModbusPoint> points, int maxRegisters, int maxGap) =>
        [.. points
            .GroupBy(p => p.Interval)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var groupPoints = g.ToList();
                var emitted = groupPoints.Count;
                foreach (var point in g.Where(p => p.ScaleFactorAddress is not null).DistinctBy(p => (p.Table, p.ScaleFactorAddress)))
                {
                    var series = new SeriesKey(point.Series.Measurement, point.Series.Tags.ToArray(), "scale_factor_" + point.ScaleFactorAddress!.Value.ToString(CultureInfo.InvariantCulture));
                    groupPoints.Add(new ModbusPoint(point.Table, point.ScaleFactorAddress.Value, PointType.I16, series, g.Key));
                }

                return new PointGroup(g.Key, groupPoints, RequestCoalescer.Coalesce(groupPoints, maxRegisters, maxGap)) { EmittedCount = emitted };
            })];

    private static DeviceProfile? LoadProfile(ModbusOptions options, string name, string path, Dictionary<string, DeviceProfile?> profiles, ConfigurationProblems problems)
    {
        if (string.IsNullOrWhiteSpace(options.ProfileDirectory))
        {
            problems.Add(path, $"'{name}' needs {ModbusOptions.SectionName}:profileDirectory");
            return null;
        }

        if (name.IndexOfAny(['/', '\\']) >= 0 || name.StartsWith('.'))
        {
            problems.Add(path, $"'{name}' must be a profile name, not a path");
            return null;
        }

        if (profiles.TryGetValue(name, out var cached))
        {
            if (cached is null)
            {
                problems.Add(path, $"'{name}' could not be loaded (see above)");
            }

            return cached;
        }

        var file = DeviceProfile.PathOf(options.ProfileDirectory, name);
        DeviceProfile? profile = null;
        if (!File.Exists(file))
        {
            var known = Directory.Exists(options.ProfileDirectory)
                ? string.Join(", ", Directory.EnumerateFiles(options.ProfileDirectory, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal))
                : "none: the folder does not exist";
            problems.Add(path, $"'{name}' is not in {options.ProfileDirectory} (known: {known})");
        }
        else
        {
            try
            {
                profile = DeviceProfile.Load(file);
            }
            catch (DeviceProfileException exception)
            {
                problems.Add(path, $"'{name}': {exception.Message}");
            }
        }

        profiles[name] = profile;
        return profile;
    }

    private static void AddPoint(
        ModbusPointOptions? point,
        string path,
        ModbusDeviceOptions device,
        string deviceMeasurement,
        List<Tag> tags,
        int maxRegisters,
        HashSet<string> fields,
        List<ModbusPoint> points,
        ConfigurationProblems problems)
    {
        if (point is null)
        {
            problems.Add(path, "is empty");
            return;
        }

        var problemsBefore = problems.Count;
        if (string.IsNullOrWhiteSpace(point.Name))
        {
            problems.Add($"{path}:name", "is required");
        }
        else if (!fields.Add((point.Measurement ?? deviceMeasurement) + "\n" + point.Name))
        {
            problems.Add($"{path}:name", $"'{point.Name}' is used by another point of this device");
        }

        if (!PointTypeNames.TryParseTable(point.Table, out var table))
        {
            problems.Add($"{path}:table", $"'{point.Table}' is not one of {PointTypeNames.TableList}");
        }

        var isBitTable = table is PointTable.Coils or PointTable.DiscreteInputs;
        var typeText = point.Type ?? (isBitTable ? "bit" : "u16");
        var stringLength = 0;
        var type = PointType.U16;
        if (!PointTypeNames.TryParseType(typeText, out type, out stringLength) || type == PointType.String)
        {
            // Strings cannot feed a numeric series; the read verbs decode them.
            var accepted = "u16, i16, u32, i32, u64, i64, f32, f64, bit";
            problems.Add(
                $"{path}:type",
                type == PointType.String ? $"'{typeText}' cannot be polled into a series; use one of {accepted}" : $"'{typeText}' is not one of {accepted}");
        }
        else if (isBitTable != (type == PointType.Bit) && problems.Count == problemsBefore)
        {
            problems.Add($"{path}:type", $"'{typeText}' does not fit table '{point.Table}': bits come from coil and discrete-input, other types from holding and input");
        }

        if (!PointTypeNames.TryParseOrder(point.Order, out var order))
        {
            problems.Add($"{path}:order", $"'{point.Order}' is not one of {PointTypeNames.OrderList}");
        }

        if (point.Address is not { } address)
        {
            problems.Add($"{path}:address", "is required (0-based: datasheet register 40001 is holding address 0)");
            address = 0;
        }
        else if (address < 0 || address + Math.Max(1, RegisterDecoder.RegisterCount(type, stringLength)) > 65536)
        {
            problems.Add($"{path}:address", $"{address} is not between 0 and 65535 (0-based protocol address)");
        }

        if (!isBitTable && RegisterDecoder.RegisterCount(type, stringLength) > maxRegisters)
        {
            problems.Add($"{path}:type", $"'{typeText}' takes more registers than maxRegistersPerRequest {maxRegisters}");
        }

        if (!double.IsFinite(point.Scale) || point.Scale == 0)
        {
            problems.Add($"{path}:scale", "must be a non-zero number");
        }

        if (!double.IsFinite(point.Offset))
        {
            problems.Add($"{path}:offset", "must be a number");
        }

        var interval = point.Interval ?? device.Interval;
        if (interval <= TimeSpan.Zero)
        {
            problems.Add($"{path}:interval", "must be positive");
        }

        if (point.Measurement is { Length: 0 })
        {
            problems.Add($"{path}:measurement", "must not be empty");
        }

        if (problems.Count > problemsBefore || string.IsNullOrWhiteSpace(device.Name))
        {
            return;
        }

        var kind = type == PointType.Bit ? ValueKind.Boolean : ValueKind.Float;
        var series = new SeriesKey(point.Measurement ?? deviceMeasurement, tags, point.Name, point.Unit ?? string.Empty, kind);
        points.Add(new ModbusPoint(table, (ushort)address, type, series, interval, order, point.Scale, point.Offset));
    }

    /// <summary>The endpoint text of a bus, for logs.</summary>
    public static string DescribeBus(ModbusBusOptions bus) => bus.Kind switch
    {
        "rtu" => string.Create(CultureInfo.InvariantCulture, $"rtu://{bus.Device}@{bus.Baud}-8{bus.Parity}{bus.StopBits}"),
        "rtu-over-tcp" => string.Create(CultureInfo.InvariantCulture, $"rtu-over-tcp://{bus.Host}:{bus.Port}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"tcp://{bus.Host}:{bus.Port}"),
    };
}
