using System.Globalization;
using Loos.Edge.Core;
using Loos.Edge.Modbus.Points;

namespace Loos.Edge.Modbus.Polling;

/// <summary>The devices of a bus: each one's points (from its profile and its own list) grouped into read blocks.</summary>
internal static partial class ModbusPlanner
{
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
}
