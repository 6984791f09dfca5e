using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO.Ports;
using System.Text;
using System.Text.Json;
using Loos.Edge.Modbus;
using Loos.Edge.Modbus.Points;

namespace Loos.Edge.Verbs;

/// <summary>
/// <c>loos-edge modbus read|scan</c>: read registers or bits from one device, or find which unit ids answer on a line.
/// Exit codes: 0 success, 1 the device or the line failed (one line on standard error), 2 bad arguments.
/// </summary>
public static class ModbusVerb
{
    private const string Name = "loos-edge modbus";

    /// <summary>The <c>modbus</c> command with its <c>read</c> and <c>scan</c> subcommands.</summary>
    public static Command Create() => new("modbus", "Modbus tools for commissioning: read a device, scan a line.") { CreateRead(), CreateScan() };

    private static Command CreateRead()
    {
        var connection = new ConnectionOptions();
        var unit = new Option<string>("--unit", "-u") { Description = "Unit id (slave address), 0-247.", Required = true };
        var address = new Option<string>("--address", "-a") { Description = "First register or bit, 0-based protocol address (e.g. 40000 for SunSpec).", Required = true };
        var count = new Option<string>("--count", "-n")
        {
            Description = "How many values of --type (registers for u16/i16, bits for functions 1 and 2, the string's length in registers for string).",
            DefaultValueFactory = _ => "1",
        };
        var function = new Option<string>("--function", "-f") { Description = "3 holding registers, 4 input registers, 1 coils, 2 discrete inputs.", DefaultValueFactory = _ => "3" };
        var type = new Option<string>("--type", "-t") { Description = "u16, i16, u32, i32, u64, i64, f32, f64, string or bit.", DefaultValueFactory = _ => "u16" };
        var order = new Option<string>("--order", "-o") { Description = "Word and byte order of multi-register values: ABCD, CDAB, BADC or DCBA.", DefaultValueFactory = _ => "ABCD" };
        var json = CommonOptions.Json();
        var repeat = new Option<string>("--repeat") { Hidden = true, Description = "Repeat the read N times and print requests per second (benchmarks)." };
        var command = new Command("read", "Read registers or bits from one device and decode them.") { unit, address, count, function, type, order, json, repeat };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var request = ParseReadRequest(parse, unit, address, count, function, type, order, repeat, out var problem);
            var settings = connection.Parse(parse, defaultTimeout: TimeSpan.FromSeconds(1), out var connectionProblem);
            if (request is null || settings is null)
            {
                await error.WriteLineAsync($"{Name} read: {problem ?? connectionProblem}").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            await using var client = settings.CreateClient(settings.Serial);
            return await ReadAsync(client, request, parse.GetValue(json), output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreateScan()
    {
        var connection = new ConnectionOptions();
        var units = new Option<string>("--units") { Description = "Unit ids to try: 1-247, or a list such as 1,2,10-20.", DefaultValueFactory = _ => "1-247" };
        var bauds = new Option<string>("--bauds") { Description = "Baud rates to try on a serial line, e.g. 9600,19200; --baud when absent." };
        var parities = new Option<string>("--parities") { Description = "Parities to try on a serial line, e.g. E,N; --parity when absent." };
        var json = CommonOptions.Json();
        var command = new Command("scan", "Find the unit ids that answer (with data or an exception reply), at each serial setting.") { units, bauds, parities, json };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var settings = connection.Parse(parse, defaultTimeout: TimeSpan.FromMilliseconds(200), out var problem);
            var unitIds = settings is null ? null : ParseUnitRange(parse.GetValue(units), out problem);
            var serialSettings = settings is null || unitIds is null ? null : SerialVariants(settings, parse.GetValue(bauds), parse.GetValue(parities), out problem);
            if (settings is null || unitIds is null || serialSettings is null)
            {
                await error.WriteLineAsync($"{Name} scan: {problem}").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            return await ScanAsync(settings, serialSettings, unitIds, parse.GetValue(json), output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> ReadAsync(IModbusClient client, ReadRequest request, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var registers = new ushort[request.RegisterCount];
        var bits = new bool[request.BitCount];
        ModbusOutcome outcome = default;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < request.Repeat; i++)
        {
            outcome = request.Function switch
            {
                1 or 2 => await client.ReadBitsAsync(request.Unit, (BitTable)request.Function, request.Address, bits, cancellationToken).ConfigureAwait(false),
                _ => await client.ReadRegistersAsync(request.Unit, (RegisterTable)request.Function, request.Address, registers, cancellationToken).ConfigureAwait(false),
            };
            if (!outcome.IsSuccess)
            {
                await error.WriteLineAsync($"{Name} read: {client.Endpoint} unit {request.Unit}: {outcome}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }

        stopwatch.Stop();
        if (request.Repeat > 1)
        {
            var perSecond = request.Repeat / stopwatch.Elapsed.TotalSeconds;
            await output.WriteLineAsync(json
                ? string.Create(CultureInfo.InvariantCulture, $"{{\"requests\":{request.Repeat},\"seconds\":{stopwatch.Elapsed.TotalSeconds:F3},\"requests_per_second\":{perSecond:F1}}}")
                : string.Create(CultureInfo.InvariantCulture, $"{request.Repeat} requests in {stopwatch.Elapsed.TotalSeconds:F3} s: {perSecond:F1} requests/s")).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        await output.WriteLineAsync(json ? ReadJson(client.Endpoint, request, registers, bits) : ReadText(request, registers, bits)).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static string ReadText(ReadRequest request, ushort[] registers, bool[] bits)
    {
        var text = new StringBuilder();
        if (request.Function is 1 or 2)
        {
            for (var i = 0; i < bits.Length; i++)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{request.Address + i,6}  {(bits[i] ? 1 : 0)}");
            }
        }
        else if (request.Type == PointType.String)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{request.Address,6}  \"{RegisterDecoder.DecodeString(registers, request.Order)}\"");
        }
        else
        {
            var width = RegisterDecoder.RegisterCount(request.Type);
            for (var i = 0; i < registers.Length; i += width)
            {
                var raw = string.Join(' ', registers.Skip(i).Take(width).Select(r => r.ToString("X4", CultureInfo.InvariantCulture)));
                var value = RegisterDecoder.Decode(registers.AsSpan(i, width), request.Type, request.Order);
                text.AppendLine(CultureInfo.InvariantCulture, $"{request.Address + i,6}  {raw,-19}  {value.ToString("R", CultureInfo.InvariantCulture)}");
            }
        }

        return text.ToString().TrimEnd();
    }

    private static string ReadJson(string endpoint, ReadRequest request, ushort[] registers, bool[] bits)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("endpoint", endpoint);
            writer.WriteNumber("unit", request.Unit);
            writer.WriteNumber("function", request.Function);
            writer.WriteNumber("address", request.Address);
            if (request.Function is 1 or 2)
            {
                writer.WriteStartArray("bits");
                foreach (var bit in bits)
                {
                    writer.WriteBooleanValue(bit);
                }

                writer.WriteEndArray();
            }
            else
            {
                writer.WriteString("type", PointTypeNames.Format(request.Type, request.Type == PointType.String ? registers.Length : 0));
                writer.WriteString("order", request.Order.ToString());
                writer.WriteStartArray("registers");
                foreach (var register in registers)
                {
                    writer.WriteNumberValue(register);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("values");
                if (request.Type == PointType.String)
                {
                    writer.WriteStringValue(RegisterDecoder.DecodeString(registers, request.Order));
                }
                else
                {
                    var width = RegisterDecoder.RegisterCount(request.Type);
                    for (var i = 0; i < registers.Length; i += width)
                    {
                        var value = RegisterDecoder.Decode(registers.AsSpan(i, width), request.Type, request.Order);
                        if (double.IsFinite(value))
                        {
                            writer.WriteNumberValue(value);
                        }
                        else
                        {
                            writer.WriteNullValue();
                        }
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static async Task<int> ScanAsync(
        ConnectionSettings settings,
        List<ModbusSerialOptions?> serialVariants,
        List<byte> unitIds,
        bool json,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        var found = new List<(byte Unit, string Setting, string Reply)>();
        var total = serialVariants.Count * unitIds.Count;
        var done = 0;
        var progress = ScanProgress.For(error, force: false);
        var probe = new ushort[1];
        foreach (var serial in serialVariants)
        {
            await using var client = settings.CreateClient(serial);
            var setting = serial is null ? client.Endpoint : SerialSetting(serial);
            foreach (var unit in unitIds)
            {
                // Register 0 is a guess; an exception reply (e.g. illegal data address) still proves a device is there.
                var outcome = await client.ReadRegistersAsync(unit, RegisterTable.Holding, 0, probe, cancellationToken).ConfigureAwait(false);
                if (outcome.Kind is ModbusOutcomeKind.Success or ModbusOutcomeKind.DeviceException)
                {
                    found.Add((unit, setting, outcome.IsSuccess ? "data" : outcome.ToString()));
                }
                else if (outcome.Kind == ModbusOutcomeKind.ConnectionFailed)
                {
                    progress.Clear();
                    await error.WriteLineAsync($"{Name} scan: {client.Endpoint}: {outcome}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }

                done++;
                progress.Report((double)done / total, string.Create(CultureInfo.InvariantCulture, $"{done}/{total} unit {unit} at {setting}, {found.Count} found"));
            }
        }

        progress.Clear();
        if (json)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("devices");
                foreach (var (unit, setting, reply) in found)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("unit", unit);
                    writer.WriteString("setting", setting);
                    writer.WriteString("reply", reply);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            await output.WriteLineAsync(Encoding.UTF8.GetString(stream.ToArray())).ConfigureAwait(false);
        }
        else
        {
            foreach (var (unit, setting, reply) in found)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"unit {unit,3}  {setting}  {reply}")).ConfigureAwait(false);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{found.Count} device(s) answered out of {total} probes")).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static string SerialSetting(ModbusSerialOptions serial) => string.Create(
        CultureInfo.InvariantCulture,
        $"{serial.BaudRate}-{serial.DataBits}{serial.Parity.ToString()[0]}{(serial.StopBits == StopBits.Two ? 2 : 1)}");

    private static ReadRequest? ParseReadRequest(
        ParseResult parse,
        Option<string> unit,
        Option<string> address,
        Option<string> count,
        Option<string> function,
        Option<string> type,
        Option<string> order,
        Option<string> repeat,
        out string? problem)
    {
        problem = null;
        if (!TryParseNumber(parse.GetValue(unit), 0, 247, "--unit", out var unitId, ref problem)
            || !TryParseNumber(parse.GetValue(address), 0, 65535, "--address", out var firstAddress, ref problem)
            || !TryParseNumber(parse.GetValue(count), 1, 2000, "--count", out var valueCount, ref problem)
            || !TryParseNumber(parse.GetValue(function), 1, 4, "--function", out var functionCode, ref problem)
            || !TryParseNumber(parse.GetValue(repeat) ?? "1", 1, int.MaxValue, "--repeat", out var repeatCount, ref problem))
        {
            return null;
        }

        var typeText = parse.GetValue(type) ?? "u16";
        if (!PointTypeNames.TryParseType(typeText.Equals("string", StringComparison.OrdinalIgnoreCase) ? "string(1)" : typeText, out var pointType, out _))
        {
            problem = $"--type '{typeText}' is not one of {PointTypeNames.TypeList}.";
            return null;
        }

        if (!PointTypeNames.TryParseOrder(parse.GetValue(order), out var wordOrder))
        {
            problem = $"--order '{parse.GetValue(order)}' is not one of {PointTypeNames.OrderList}.";
            return null;
        }

        var readsBits = functionCode is 1 or 2;
        if (readsBits != (pointType == PointType.Bit) && !(readsBits && typeText.Equals("u16", StringComparison.OrdinalIgnoreCase)))
        {
            problem = readsBits ? $"functions 1 and 2 read bits: --type {typeText} does not apply." : "--type bit needs --function 1 (coils) or 2 (discrete inputs).";
            return null;
        }

        // MODBUS Application Protocol v1.1b3 §6.1–6.4: at most 2000 bits or 125 registers in one read.
        var registerCount = readsBits ? 0 : pointType == PointType.String ? valueCount : valueCount * RegisterDecoder.RegisterCount(pointType);
        if (registerCount > 125 || firstAddress + Math.Max(registerCount, readsBits ? valueCount : 0) > 65536)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"{registerCount} registers from {firstAddress}: one read takes at most 125 registers and may not pass address 65535.");
            return null;
        }

        return new ReadRequest((byte)unitId, (ushort)firstAddress, (byte)functionCode, registerCount, readsBits ? valueCount : 0, pointType, wordOrder, repeatCount);
    }

    private static List<byte>? ParseUnitRange(string? text, out string? problem)
    {
        problem = null;
        var units = new SortedSet<byte>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-', 2);
            if (!TryParseNumber(bounds[0], 1, 247, "--units", out var first, ref problem)
                || !TryParseNumber(bounds.Length == 2 ? bounds[1] : bounds[0], first, 247, "--units", out var last, ref problem))
            {
                return null;
            }

            for (var unit = first; unit <= last; unit++)
            {
                units.Add((byte)unit);
            }
        }

        if (units.Count == 0)
        {
            problem = "--units is empty: give ids such as 1-247 or 1,2,10-20.";
            return null;
        }

        return [.. units];
    }

    private static List<ModbusSerialOptions?>? SerialVariants(ConnectionSettings settings, string? bauds, string? parities, out string? problem)
    {
        problem = null;
        if (settings.Serial is null)
        {
            if (bauds is not null || parities is not null)
            {
                problem = "--bauds and --parities apply to --rtu only.";
                return null;
            }

            return [null];
        }

        var baudRates = new List<int>();
        foreach (var text in bauds?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [settings.Serial.BaudRate.ToString(CultureInfo.InvariantCulture)])
        {
            if (!TryParseNumber(text, 300, 1_000_000, "--bauds", out var baud, ref problem))
            {
                return null;
            }

            baudRates.Add(baud);
        }

        var parityList = new List<Parity>();
        foreach (var text in parities?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [settings.Serial.Parity.ToString()[..1]])
        {
            if (!CommonOptions.TryParseParity(text, out var parity))
            {
                problem = $"--parities '{text}' is not N, E or O.";
                return null;
            }

            parityList.Add(parity);
        }

        return [.. baudRates.SelectMany(baud => parityList.Select(parity => (ModbusSerialOptions?)settings.SerialWith(baud, parity)))];
    }

    private static bool TryParseNumber(string? text, int min, int max, string option, out int value, ref string? problem)
    {
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }

        problem = string.Create(CultureInfo.InvariantCulture, $"{option} '{text}' is not a number from {min} to {max}.");
        return false;
    }

    private sealed record ReadRequest(byte Unit, ushort Address, byte Function, int RegisterCount, int BitCount, PointType Type, WordOrder Order, int Repeat);

    /// <summary>Where to connect: exactly one of --tcp, --rtu, --rtu-over-tcp, with serial settings and a timeout.</summary>
    private sealed class ConnectionOptions
    {
        private readonly Option<string> tcp = new("--tcp") { Description = "Modbus TCP device or gateway, HOST:PORT (port 502 when absent)." };
        private readonly Option<string> rtu = new("--rtu") { Description = "Serial device in RTU mode, e.g. /dev/ttyUSB0." };
        private readonly Option<string> rtuOverTcp = new("--rtu-over-tcp") { Description = "Serial gateway passing RTU frames over TCP, HOST:PORT." };
        private readonly Option<string> baud = new("--baud") { Description = "Baud rate of the serial line.", DefaultValueFactory = _ => "9600" };
        private readonly Option<string> parity = new("--parity") { Description = "N, E or O; E is the Modbus default.", DefaultValueFactory = _ => "E" };
        private readonly Option<string> stop = new("--stop") { Description = "Stop bits, 1 or 2.", DefaultValueFactory = _ => "1" };
        private readonly Option<string> timeout = new("--timeout-ms") { Description = "Response timeout in milliseconds (1000 for read, 200 for scan)." };

        public void AddTo(Command command)
        {
            foreach (var option in new[] { tcp, rtu, rtuOverTcp, baud, parity, stop, timeout })
            {
                command.Options.Add(option);
            }
        }

        public ConnectionSettings? Parse(ParseResult parse, TimeSpan defaultTimeout, out string? problem)
        {
            problem = null;
            var chosen = new[] { parse.GetValue(tcp), parse.GetValue(rtu), parse.GetValue(rtuOverTcp) }.Count(value => value is not null);
            if (chosen != 1)
            {
                problem = "give exactly one of --tcp HOST:PORT, --rtu DEVICE or --rtu-over-tcp HOST:PORT.";
                return null;
            }

            var responseTimeout = defaultTimeout;
            if (parse.GetValue(timeout) is { } timeoutText)
            {
                if (!TryParseNumber(timeoutText, 1, 600_000, "--timeout-ms", out var milliseconds, ref problem))
                {
                    return null;
                }

                responseTimeout = TimeSpan.FromMilliseconds(milliseconds);
            }

            if (parse.GetValue(rtu) is { } device)
            {
                if (!TryParseNumber(parse.GetValue(baud), 300, 1_000_000, "--baud", out var baudRate, ref problem)
                    || !TryParseNumber(parse.GetValue(stop), 1, 2, "--stop", out var stopBits, ref problem))
                {
                    return null;
                }

                if (!CommonOptions.TryParseParity(parse.GetValue(parity), out var serialParity))
                {
                    problem = $"--parity '{parse.GetValue(parity)}' is not N, E or O.";
                    return null;
                }

                var serial = new ModbusSerialOptions
                {
                    DevicePath = device,
                    BaudRate = baudRate,
                    Parity = serialParity,
                    StopBits = stopBits == 2 ? StopBits.Two : StopBits.One,
                    ResponseTimeout = responseTimeout,
                };
                return new ConnectionSettings(null, 0, false, serial, responseTimeout);
            }

            var isRtuOverTcp = parse.GetValue(rtuOverTcp) is not null;
            var endpoint = parse.GetValue(tcp) ?? parse.GetValue(rtuOverTcp)!;
            var separator = endpoint.LastIndexOf(':');
            var host = separator < 0 ? endpoint : endpoint[..separator];
            var port = 502; // MODBUS Messaging on TCP/IP Implementation Guide v1.0b §4.1.2: the registered port.
            if (host.Length == 0 || (separator >= 0 && !TryParseNumber(endpoint[(separator + 1)..], 1, 65535, isRtuOverTcp ? "--rtu-over-tcp port" : "--tcp port", out port, ref problem)))
            {
                problem ??= $"'{endpoint}' is not HOST:PORT.";
                return null;
            }

            return new ConnectionSettings(host, port, isRtuOverTcp, null, responseTimeout);
        }
    }

    private sealed record ConnectionSettings(string? Host, int Port, bool RtuOverTcp, ModbusSerialOptions? Serial, TimeSpan ResponseTimeout)
    {
        public ModbusSerialOptions SerialWith(int baudRate, Parity parity) => new()
        {
            DevicePath = Serial!.DevicePath,
            BaudRate = baudRate,
            Parity = parity,
            StopBits = Serial.StopBits,
            ResponseTimeout = ResponseTimeout,
        };

        public IModbusClient CreateClient(ModbusSerialOptions? serial) => serial is not null
            ? ModbusClient.CreateRtu(serial)
            : RtuOverTcp
                ? ModbusClient.CreateRtuOverTcp(new ModbusRtuOverTcpOptions { Host = Host!, Port = Port, ResponseTimeout = ResponseTimeout })
                : ModbusClient.CreateTcp(new ModbusTcpOptions { Host = Host!, Port = Port, ResponseTimeout = ResponseTimeout });
    }
}
