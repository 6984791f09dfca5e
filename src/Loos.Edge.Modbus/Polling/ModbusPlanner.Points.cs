using Loos.Edge.Core;
using Loos.Edge.Modbus.Points;

namespace Loos.Edge.Modbus.Polling;

/// <summary>The points of a device: the profiles they come from and each point's checks and series.</summary>
internal static partial class ModbusPlanner
{
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
                foreach (var problem in exception.Problems)
                {
                    problems.Add(path, $"'{name}': {problem}");
                }
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
}
