using System.CommandLine;
using System.Globalization;
using System.IO.Ports;
using System.Text;
using Loos.Edge.Modbus;
using Loos.Edge.SunSpec;

namespace Loos.Edge.Verbs;

/// <summary>
/// <c>loos-edge sunspec read --tcp HOST:PORT | --rtu DEVICE [--baud 9600 --parity N|E|O --stop 1|2] --unit ID [--json]</c>:
/// finds the SunSpec map of a device and prints every model and point. Exit codes: 0 read, 1 device failure (the cause
/// on one line), 2 bad arguments.
/// </summary>
public static class SunSpecVerb
{
    /// <summary>Exit code for arguments that cannot make a request.</summary>

    /// <summary>The <c>sunspec</c> command with its <c>read</c> subcommand.</summary>
    public static Command Create()
    {
        var tcp = new Option<string?>("--tcp") { Description = "A Modbus TCP device or gateway, HOST:PORT (port 502 when omitted)." };
        var rtu = new Option<string?>("--rtu") { Description = "A serial device in RTU mode, e.g. /dev/ttyUSB0." };
        var baud = new Option<string?>("--baud") { Description = "RTU baud rate; default 9600." };
        var parity = new Option<string?>("--parity") { Description = "RTU parity N, E or O; default E (Modbus over Serial Line v1.02 §2.5.1)." };
        var stop = new Option<string?>("--stop") { Description = "RTU stop bits, 1 or 2; default 1." };
        var unit = new Option<string?>("--unit", "-u") { Description = "The unit id (slave address), 0–247; default 1 (TCP devices often answer 1 or 126)." };
        var timeout = new Option<string?>("--timeout") { Description = "Response timeout in milliseconds; default 1000." };
        var json = CommonOptions.Json();
        var read = new Command("read", "Find the SunSpec map (SunS at 40000, 0 or 50000), walk the model chain and print every model and point.")
        {
            tcp, rtu, baud, parity, stop, unit, timeout, json,
        };

        read.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!TryCreateClient(
                    parse.GetValue(tcp), parse.GetValue(rtu), parse.GetValue(baud), parse.GetValue(parity), parse.GetValue(stop), parse.GetValue(timeout), out var client, out var problem)
                || !TryParseUnit(parse.GetValue(unit), out var unitId, out problem))
            {
                await error.WriteLineAsync($"loos-edge sunspec read: {problem}").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            await using (client.ConfigureAwait(false))
            {
                var asJson = parse.GetValue(json);
                var progress = asJson || Console.IsErrorRedirected || error != Console.Error ? null : new ProgressLine(error);
                var result = await SunSpecReader.ReadAsync(client, unitId, registersRead: progress, cancellationToken: cancellationToken).ConfigureAwait(false);
                progress?.Clear();
                if (!result.IsSuccess)
                {
                    await error.WriteLineAsync($"loos-edge sunspec read: {result.Error}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }

                await output.WriteLineAsync(asJson ? SunSpecJson.Serialize(result.Device!) : Describe(result.Device!)).ConfigureAwait(false);
                return ExitCodes.Success;
            }
        });
        return new Command("sunspec", "SunSpec devices (photovoltaic inverters, DER): discovery and decoding.") { read };
    }

    private static bool TryCreateClient(
        string? tcp, string? rtu, string? baud, string? parity, string? stop, string? timeout, out IModbusClient client, out string problem)
    {
        client = null!;
        problem = string.Empty;
        var responseTimeout = TimeSpan.FromSeconds(1);
        if (timeout is not null)
        {
            if (!int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) || milliseconds <= 0)
            {
                problem = $"--timeout '{timeout}' is not a positive number of milliseconds";
                return false;
            }

            responseTimeout = TimeSpan.FromMilliseconds(milliseconds);
        }

        if ((tcp is null) == (rtu is null))
        {
            problem = "give exactly one of --tcp HOST:PORT or --rtu DEVICE";
            return false;
        }

        try
        {
            if (tcp is not null)
            {
                if (baud is not null || parity is not null || stop is not null)
                {
                    problem = "--baud, --parity and --stop apply to --rtu only";
                    return false;
                }

                if (!TryParseEndpoint(tcp, out var host, out var port))
                {
                    problem = $"--tcp '{tcp}' is not HOST:PORT";
                    return false;
                }

                client = ModbusClient.CreateTcp(new ModbusTcpOptions { Host = host, Port = port, ResponseTimeout = responseTimeout });
                return true;
            }

            var options = new ModbusSerialOptions { DevicePath = rtu!, ResponseTimeout = responseTimeout };
            if (baud is not null)
            {
                if (!int.TryParse(baud, NumberStyles.None, CultureInfo.InvariantCulture, out var rate))
                {
                    problem = $"--baud '{baud}' is not a number";
                    return false;
                }

                options.BaudRate = rate;
            }

            if (parity is not null)
            {
                Parity? parsed = parity.ToUpperInvariant() switch { "N" => Parity.None, "E" => Parity.Even, "O" => Parity.Odd, _ => null };
                if (parsed is not { } value)
                {
                    problem = $"--parity '{parity}' is not N, E or O";
                    return false;
                }

                options.Parity = value;
            }

            if (stop is not null)
            {
                StopBits? parsed = stop switch { "1" => StopBits.One, "2" => StopBits.Two, _ => null };
                if (parsed is not { } value)
                {
                    problem = $"--stop '{stop}' is not 1 or 2";
                    return false;
                }

                options.StopBits = value;
            }

            client = ModbusClient.CreateRtu(options);
            return true;
        }
        catch (ArgumentException exception)
        {
            problem = exception.Message;
            return false;
        }
    }

    private static bool TryParseEndpoint(string text, out string host, out int port)
    {
        port = 502;
        host = text;

        // [v6 address]:port, host:port, or a host alone.
        var colon = text.LastIndexOf(':');
        if (colon > 0 && (text.IndexOf(':', StringComparison.Ordinal) == colon || text[colon - 1] == ']'))
        {
            host = text[..colon];
            if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                return false;
            }
        }

        host = host.Trim('[', ']');
        return host.Length > 0;
    }

    private static bool TryParseUnit(string? text, out byte unitId, out string problem)
    {
        problem = string.Empty;
        unitId = 1;

        // Unit ids 0–247 (Modbus over Serial Line v1.02 §2.2; 0 is broadcast, which SunSpec devices answer only over TCP).
        if (text is not null && (!byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out unitId) || unitId > 247))
        {
            problem = $"--unit '{text}' is not a unit id from 0 to 247";
            return false;
        }

        return true;
    }

    private static string Describe(SunSpecDevice device)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"SunSpec map at {device.BaseAddress}, {device.Models.Count} models").AppendLine();
        foreach (var model in device.Models)
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"model {model.Id} {model.Name ?? "(not defined here: not decoded)"} at {model.Address}, {model.Length} registers").AppendLine();
            if (SunSpecModels.TryGet(model.Id, out var definition))
            {
                DescribeGroup(text, definition.Group, model.Points, model.Groups, "  ");
            }
        }

        return text.ToString().TrimEnd();
    }

    private static void DescribeGroup(
        StringBuilder text, SunSpecGroupDefinition group, IReadOnlyDictionary<string, object?> points, IReadOnlyList<SunSpecGroupInstance> groups, string prefix)
    {
        foreach (var point in group.Points)
        {
            if (point.Type == SunSpecPointType.Pad || !points.TryGetValue(point.Name, out var value))
            {
                continue;
            }

            var shown = value switch
            {
                null => "not implemented",
                double number => number.ToString("G10", CultureInfo.InvariantCulture) + (point.Units is { } units ? " " + units.Trim() : string.Empty),
                string[] names => names.Length == 0 ? "(none)" : string.Join(", ", names),
                _ => value.ToString(),
            };
            text.Append(CultureInfo.InvariantCulture, $"{prefix + point.Name,-28} {shown}").AppendLine();
        }

        foreach (var instance in groups)
        {
            var definition = group.Groups.First(candidate => candidate.Name == instance.Name);
            var name = instance.Index is { } index ? $"{instance.Name}[{index}]." : instance.Name + ".";
            DescribeGroup(text, definition, instance.Points, instance.Groups, prefix + name);
        }
    }

    /// <summary>A one-line progress count on the terminal while the map is read (a slow RTU line takes seconds).</summary>
    private sealed class ProgressLine(TextWriter error) : IProgress<int>
    {
        public void Report(int value) => error.Write($"\rreading SunSpec map: {value} registers");

        public void Clear() => error.Write("\r" + new string(' ', 48) + "\r");
    }
}
