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
internal static partial class ModbusPlanner
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

    /// <summary>The endpoint text of a bus, for logs.</summary>
    public static string DescribeBus(ModbusBusOptions bus) => bus.Kind switch
    {
        "rtu" => string.Create(CultureInfo.InvariantCulture, $"rtu://{bus.Device}@{bus.Baud}-8{bus.Parity}{bus.StopBits}"),
        "rtu-over-tcp" => string.Create(CultureInfo.InvariantCulture, $"rtu-over-tcp://{bus.Host}:{bus.Port}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"tcp://{bus.Host}:{bus.Port}"),
    };
}
