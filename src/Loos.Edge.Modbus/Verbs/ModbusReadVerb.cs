using System.Diagnostics;
using Loos.Edge.Modbus;
using Loos.Edge.Modbus.Points;

namespace Loos.Edge.Verbs.Modbus;

/// <summary><c>loos-edge modbus read</c>: read registers or bits from one device and decode them.</summary>
internal sealed class ModbusReadVerb : Verb
{
    private readonly Option<byte> unit = TypedOptions.Number<byte>("--unit", 0, 247, aliases: ["-u"]);
    private readonly Option<ushort> address = TypedOptions.Number<ushort>("--address", 0, 65535, aliases: ["-a"]);
    private readonly Option<int> count = TypedOptions.Number("--count", 1, 2000, aliases: ["-n"]);
    private readonly Option<byte> function = TypedOptions.Number<byte>("--function", 1, 4, aliases: ["-f"]);
    private readonly Option<PointType> type = TypedOptions.Parsed("--type", (string text, out PointType pointType) =>
        PointTypeNames.TryParseType(text.Equals("string", StringComparison.OrdinalIgnoreCase) ? "string(1)" : text, out pointType, out _)
            ? null
            : $"--type '{text}' is not one of {PointTypeNames.TypeList}.", "-t");
    private readonly Option<WordOrder> order = TypedOptions.Parsed("--order", (string text, out WordOrder wordOrder) =>
        PointTypeNames.TryParseOrder(text, out wordOrder) ? null : $"--order '{text}' is not one of {PointTypeNames.OrderList}.", "-o");
    private readonly Option<bool> json = CommonOptions.Json();
    private readonly Option<int> repeat = TypedOptions.Number("--repeat", 1, int.MaxValue);
    private readonly ModbusConnectionOptions connection = new(TimeSpan.FromSeconds(1), offerRtuOverTcp: true, serialOptionsOnlyWithRtu: false);

    public ModbusReadVerb()
        : base("read", "Read registers or bits from one device and decode them.")
    {
        unit.Description = "Unit id (slave address), 0-247.";
        unit.Required = true;
        address.Description = "First register or bit, 0-based protocol address (e.g. 40000 for SunSpec).";
        address.Required = true;
        count.Description = "How many values of --type (registers for u16/i16, bits for functions 1 and 2, the string's length in registers for string).";
        count.DefaultValueFactory = _ => 1;
        function.Description = "3 holding registers, 4 input registers, 1 coils, 2 discrete inputs.";
        function.DefaultValueFactory = _ => 3;
        type.Description = "u16, i16, u32, i32, u64, i64, f32, f64, string or bit.";
        type.DefaultValueFactory = _ => PointType.U16;
        order.Description = "Word and byte order of multi-register values: ABCD, CDAB, BADC or DCBA.";
        order.DefaultValueFactory = _ => WordOrder.ABCD;
        repeat.Description = "Repeat the read N times and print requests per second (benchmarks).";
        repeat.Hidden = true;
        repeat.DefaultValueFactory = _ => 1;
        Add(unit, address, count, function, type, order, json, repeat);
        connection.AddTo(Command);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (connection.Read(parse, out var problem) is not { } settings || Request(parse, out problem) is not { } request)
        {
            return await BadArguments.ReportAsync(parse, problem!).ConfigureAwait(false);
        }

        await using var client = settings.CreateClient(settings.Serial);
        return await ReadAsync(client, request, parse.GetValue(json), parse.InvocationConfiguration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The read the options ask for, or why they ask for none: a type that does not fit the function, or too many registers.</summary>
    private ModbusReadRequest? Request(ParseResult parse, out string? problem)
    {
        problem = null;
        var functionCode = parse.GetValue(function);
        var pointType = parse.GetValue(type);
        var valueCount = parse.GetValue(count);
        var firstAddress = parse.GetValue(address);
        var readsBits = functionCode is 1 or 2;
        if (readsBits ? pointType is not (PointType.Bit or PointType.U16) : pointType == PointType.Bit)
        {
            problem = readsBits
                ? $"functions 1 and 2 read bits: --type {pointType.ToString().ToLowerInvariant()} does not apply."
                : "--type bit needs --function 1 (coils) or 2 (discrete inputs).";
            return null;
        }

        // MODBUS Application Protocol v1.1b3 §6.1–6.4: at most 2000 bits or 125 registers in one read.
        var registerCount = readsBits ? 0 : pointType == PointType.String ? valueCount : valueCount * RegisterDecoder.RegisterCount(pointType);
        if (registerCount > 125 || firstAddress + Math.Max(registerCount, readsBits ? valueCount : 0) > 65536)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"{registerCount} registers from {firstAddress}: one read takes at most 125 registers and may not pass address 65535.");
            return null;
        }

        return new ModbusReadRequest(
            parse.GetValue(unit), firstAddress, functionCode, registerCount, readsBits ? valueCount : 0, pointType, parse.GetValue(order), parse.GetValue(repeat));
    }

    private static async Task<int> ReadAsync(IModbusClient client, ModbusReadRequest request, bool json, InvocationConfiguration console, CancellationToken cancellationToken)
    {
        var registers = new ushort[request.RegisterCount];
        var bits = new bool[request.BitCount];
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < request.Repeat; i++)
        {
            var outcome = request.Function switch
            {
                1 or 2 => await client.ReadBitsAsync(request.Unit, (BitTable)request.Function, request.Address, bits, cancellationToken).ConfigureAwait(false),
                _ => await client.ReadRegistersAsync(request.Unit, (RegisterTable)request.Function, request.Address, registers, cancellationToken).ConfigureAwait(false),
            };
            if (!outcome.IsSuccess)
            {
                await console.Error.WriteLineAsync($"loos-edge modbus read: {client.Endpoint} unit {request.Unit}: {outcome}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }

        stopwatch.Stop();
        if (request.Repeat > 1)
        {
            var perSecond = request.Repeat / stopwatch.Elapsed.TotalSeconds;
            await console.Output.WriteLineAsync(json
                ? string.Create(CultureInfo.InvariantCulture, $"{{\"requests\":{request.Repeat},\"seconds\":{stopwatch.Elapsed.TotalSeconds:F3},\"requests_per_second\":{perSecond:F1}}}")
                : string.Create(CultureInfo.InvariantCulture, $"{request.Repeat} requests in {stopwatch.Elapsed.TotalSeconds:F3} s: {perSecond:F1} requests/s")).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        await console.Output.WriteLineAsync(json ? ModbusReadOutput.Json(client.Endpoint, request, registers, bits) : ModbusReadOutput.Text(request, registers, bits)).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
