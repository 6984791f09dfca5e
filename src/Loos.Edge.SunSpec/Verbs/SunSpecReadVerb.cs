using Loos.Edge.Modbus;
using Loos.Edge.SunSpec;
using Loos.Edge.Verbs.Modbus;

namespace Loos.Edge.Verbs.SunSpec;

/// <summary>
/// <c>loos-edge sunspec read --tcp HOST:PORT | --rtu DEVICE [--baud 9600 --parity N|E|O --stop 1|2] --unit ID [--json]</c>:
/// finds the SunSpec map of a device, walks the model chain and prints every model and point.
/// </summary>
internal sealed class SunSpecReadVerb : Verb
{
    // Unit ids 0–247 (Modbus over Serial Line v1.02 §2.2; 0 is broadcast, which SunSpec devices answer only over TCP).
    private readonly Option<byte> unit = TypedOptions.Number<byte>("--unit", 0, 247, "a unit id from 0 to 247", ["-u"]);
    private readonly Option<bool> json = CommonOptions.Json();
    private readonly ModbusConnectionOptions connection = new(TimeSpan.FromSeconds(1), offerRtuOverTcp: false, serialOptionsOnlyWithRtu: true);

    public SunSpecReadVerb()
        : base("read", "Find the SunSpec map (SunS at 40000, 0 or 50000), walk the model chain and print every model and point.")
    {
        unit.Description = "The unit id (slave address), 0–247; default 1 (TCP devices often answer 1 or 126).";
        unit.DefaultValueFactory = _ => 1;
        Add(unit, json);
        connection.AddTo(Command);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (connection.Read(parse, out var problem) is not { } settings || TryCreateClient(settings, out problem) is not { } client)
        {
            return await BadArguments.ReportAsync(parse, problem!).ConfigureAwait(false);
        }

        await using (client.ConfigureAwait(false))
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var asJson = parse.GetValue(json);
            var progress = asJson || Console.IsErrorRedirected || error != Console.Error ? null : new ProgressLine(error);
            var result = await SunSpecReader.ReadAsync(client, parse.GetValue(unit), registersRead: progress, cancellationToken: cancellationToken).ConfigureAwait(false);
            progress?.Clear();
            if (!result.IsSuccess)
            {
                await error.WriteLineAsync($"loos-edge sunspec read: {result.Error}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            await output.WriteLineAsync(asJson ? SunSpecJson.Serialize(result.Device!) : SunSpecText.Describe(result.Device!)).ConfigureAwait(false);
            return ExitCodes.Success;
        }
    }

    private static IModbusClient? TryCreateClient(ModbusConnection settings, out string? problem)
    {
        problem = null;
        try
        {
            return settings.CreateClient(settings.Serial);
        }
        catch (ArgumentException exception)
        {
            problem = exception.Message;
            return null;
        }
    }

    /// <summary>A one-line progress count on the terminal while the map is read (a slow RTU line takes seconds).</summary>
    private sealed class ProgressLine(TextWriter error) : IProgress<int>
    {
        public void Report(int value) => error.Write($"\rreading SunSpec map: {value} registers");

        public void Clear() => error.Write("\r" + new string(' ', 48) + "\r");
    }
}
