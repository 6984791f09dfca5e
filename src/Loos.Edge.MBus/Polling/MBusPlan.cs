using System.Globalization;
using System.IO.Ports;
using Loos.Edge.Core;
using Loos.Edge.MBus.Master;
using Loos.Edge.Polling;

namespace Loos.Edge.MBus.Polling;

/// <summary>One meter ready to poll.</summary>
internal sealed record MBusMeterPlan(string Name, MBusMeterAddress Address, string Profile, TimeSpan Interval, IReadOnlyList<Tag> Tags)
{
    public string Measurement => Profile == HeatMeterProfile.Name ? HeatMeterProfile.Measurement : AllRecordsProfile.Measurement;
}

/// <summary>One line ready to poll: the master's options and the meters.</summary>
internal sealed record MBusLinePlan(MBusPolledLineOptions Options, MBusLineOptions Master, IReadOnlyList<MBusMeterPlan> Meters, TimeZoneInfo MeterTimeZone);

/// <summary>Turns the <c>mbus</c> section into poll plans, collecting every problem with its key path.</summary>
internal static class MBusPlanner
{
    private static readonly string[] Profiles = [HeatMeterProfile.Name, AllRecordsProfile.Name];

    public static IReadOnlyList<MBusLinePlan> Plan(MBusOptions options, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(problems);
        var zone = FindTimeZone(options.MeterTimeZone);
        if (zone is null)
        {
            problems.Add($"{MBusOptions.SectionName}:meterTimeZone", $": '{options.MeterTimeZone}' is not a known time zone (an IANA name such as Europe/Paris)");
        }

        var lines = new List<MBusLinePlan>();
        var lineNames = new HashSet<string>(StringComparer.Ordinal);
        for (var lineIndex = 0; lineIndex < options.Lines.Count; lineIndex++)
        {
            var path = $"{MBusOptions.SectionName}:lines:{lineIndex}";
            if (options.Lines[lineIndex] is not { } line)
            {
                problems.Add(path, "is empty");
                continue;
            }

            var master = CheckLine(line, path, lineNames, problems);
            var meters = new List<MBusMeterPlan>();
            var meterNames = new HashSet<string>(StringComparer.Ordinal);
            var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var meterIndex = 0; meterIndex < line.Meters.Count; meterIndex++)
            {
                var meterPath = $"{path}:meters:{meterIndex}";
                if (line.Meters[meterIndex] is not { } meter)
                {
                    problems.Add(meterPath, "is empty");
                    continue;
                }

                if (PlanMeter(line, meter, meterPath, meterNames, addresses, problems) is { } plan)
                {
                    meters.Add(plan);
                }
            }

            if (master is not null && zone is not null)
            {
                lines.Add(new MBusLinePlan(line, master, meters, zone));
            }
        }

        return lines;
    }

    private static TimeZoneInfo? FindTimeZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    /// <summary>Checks a line; returns the master's options when they are valid.</summary>
    private static MBusLineOptions? CheckLine(MBusPolledLineOptions line, string path, HashSet<string> names, ConfigurationProblems problems)
    {
        var problemsBefore = problems.Count;
        if (string.IsNullOrWhiteSpace(line.Name))
        {
            problems.Add($"{path}:name", "is required");
        }
        else if (!names.Add(line.Name))
        {
            problems.Add($"{path}:name", $"'{line.Name}' is used by another line");
        }

        Parity? parity = line.Parity switch
        {
            "N" => Parity.None,
            "E" => Parity.Even,
            "O" => Parity.Odd,
            _ => null,
        };
        if (parity is null)
        {
            problems.Add($"{path}:parity", $"'{line.Parity}' is not one of N, E, O");
        }

        if (line.StopBits is not (1 or 2))
        {
            problems.Add($"{path}:stopBits", $"{line.StopBits} is not 1 or 2");
        }

        new DeviceCircuitOptions { OfflineAfterTimeouts = line.OfflineAfterTimeouts, InitialBackoff = line.InitialBackoff, MaxBackoff = line.MaxBackoff }.Check(path, problems);

        var master = new MBusLineOptions
        {
            DevicePath = line.Device ?? string.Empty,
            BaudRate = line.Baud,
            Parity = parity ?? Parity.Even,
            StopBits = line.StopBits == 2 ? StopBits.Two : StopBits.One,
            ResponseTimeout = line.ResponseTimeout,
            InterCharacterTimeout = line.InterCharacterTimeout,
            Retries = line.Retries,
            MaxTelegrams = line.MaxTelegrams,
        };
        foreach (var problem in MBusLineOptionsValidator.Check(master).Entries)
        {
            // The master's keys are its own ("baud"); its serial device is this section's `device`.
            problems.Add($"{path}:{(problem.Key == "port" ? "device" : problem.Key)}", problem.Text[problem.Key.Length..]);
        }

        return problems.Count > problemsBefore ? null : master;
    }

    private static MBusMeterPlan? PlanMeter(
        MBusPolledLineOptions line,
        MBusMeterOptions meter,
        string path,
        HashSet<string> names,
        Dictionary<string, string> addresses,
        ConfigurationProblems problems)
    {
        var problemsBefore = problems.Count;
        if (string.IsNullOrWhiteSpace(meter.Name))
        {
            problems.Add($"{path}:name", "is required");
        }
        else if (!names.Add(meter.Name))
        {
            problems.Add($"{path}:name", $"'{meter.Name}' is used by another meter on this line");
        }

        MBusMeterAddress? address = null;
        var hasSecondary = !string.IsNullOrWhiteSpace(meter.Secondary);
        if (meter.Address is not null && hasSecondary)
        {
            problems.Add($"{path}:address", ": give either address (primary) or secondary, not both");
        }
        else if (meter.Address is null && !hasSecondary)
        {
            problems.Add($"{path}:address", ": a meter needs its primary address (address: 0-250) or its secondary address (secondary: \"12345678\")");
        }
        else if (meter.Address is { } primary)
        {
            // EN 13757-2: 0–250 are meter addresses, 251–252 reserved, 253 selects by secondary address, 254 and 255 broadcast.
            if (primary is < 0 or > MBusMaster.LastPrimaryAddress && primary != MBusMaster.TestAddress)
            {
                problems.Add($"{path}:address", $": {primary} is not a primary address (0-250, 254)");
            }
            else if (primary == MBusMaster.TestAddress && line.Meters.Count > 1)
            {
                problems.Add($"{path}:address", $": 254 reaches every meter on the line, so it only addresses a line with one meter; this line has {line.Meters.Count}");
            }
            else
            {
                address = MBusMeterAddress.Primary((byte)primary);
            }
        }
        else if (!MBusSecondaryAddress.TryParse(meter.Secondary!, out var secondary, out var error))
        {
            problems.Add($"{path}:secondary", $": {error}");
        }
        else if (secondary.HasWildcards)
        {
            problems.Add($"{path}:secondary", $": '{meter.Secondary}' has wildcard digits; polling needs the meter's whole identification number");
        }
        else
        {
            address = MBusMeterAddress.Secondary(secondary);
        }

        if (address is { } known)
        {
            var key = known.PrimaryAddress is { } p ? p.ToString(CultureInfo.InvariantCulture) : known.SecondaryAddress!.Value.ToString();
            if (addresses.TryGetValue(key, out var other))
            {
                problems.Add($"{path}:{(known.PrimaryAddress is null ? "secondary" : "address")}", $": {key} is also the address of {other} on this line");
            }
            else
            {
                addresses[key] = string.IsNullOrWhiteSpace(meter.Name) ? path : $"meter '{meter.Name}'";
            }
        }

        if (!Profiles.Contains(meter.Profile, StringComparer.Ordinal))
        {
            problems.Add($"{path}:profile", $": '{meter.Profile}' is not one of {string.Join(", ", Profiles)}");
        }
        else if (meter.Profile == HeatMeterProfile.Name && string.IsNullOrWhiteSpace(meter.Home))
        {
            problems.Add($"{path}:home", $"is required for profile {HeatMeterProfile.Name}: the heating analysis groups heat meters by home");
        }

        if (meter.Interval <= TimeSpan.Zero)
        {
            problems.Add($"{path}:interval", "must be positive");
        }

        foreach (var (key, value) in meter.Tags)
        {
            if (string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{path}:tags:{key}", "must have a non-empty name and value");
            }
            else if (key is "home" or "device")
            {
                problems.Add($"{path}:tags:{key}", $": the {key} tag comes from the meter's {(key == "home" ? "home" : "name")} key");
            }
        }

        if (problems.Count > problemsBefore)
        {
            return null;
        }

        var tags = meter.Tags.Select(t => new Tag(t.Key, t.Value)).ToList();
        tags.Add(new Tag("device", meter.Name));
        if (!string.IsNullOrWhiteSpace(meter.Home))
        {
            tags.Add(new Tag("home", meter.Home));
        }

        return new MBusMeterPlan(meter.Name, address!.Value, meter.Profile, meter.Interval, tags);
    }
}
