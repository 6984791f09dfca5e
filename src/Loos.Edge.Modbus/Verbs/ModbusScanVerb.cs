using System.IO.Ports;
using Loos.Edge.Modbus;

namespace Loos.Edge.Verbs.Modbus;

/// <summary><c>loos-edge modbus scan</c>: the unit ids that answer (with data or an exception reply), at each serial setting.</summary>
internal sealed class ModbusScanVerb : Verb
{
    // Modbus over Serial Line v1.02 §2.2: individual addresses are 1 to 247.
    private const byte LastUnit = 247;

    private readonly Option<byte[]> units = TypedOptions.Parsed("--units", (string text, out byte[] ids) => ParseUnits(text, out ids));
    private readonly Option<int[]> bauds = TypedOptions.ListOf("--bauds", (string text, out int baud) => TypedOptions.ParseNumber("--bauds", text, 300, 1_000_000, null, out baud));
    private readonly Option<Parity[]> parities = TypedOptions.ListOf("--parities", (string text, out Parity parity) => SerialLineOptions.ParseParity("--parities", text, out parity));
    private readonly Option<bool> json = CommonOptions.Json();
    private readonly ModbusConnectionOptions connection = new(TimeSpan.FromMilliseconds(200), offerRtuOverTcp: true, serialOptionsOnlyWithRtu: false);

    public ModbusScanVerb()
        : base("scan", "Find the unit ids that answer (with data or an exception reply), at each serial setting.")
    {
        units.Description = "Unit ids to try: 1-247, or a list such as 1,2,10-20.";
        units.DefaultValueFactory = _ => [.. Enumerable.Range(1, LastUnit).Select(id => (byte)id)];
        bauds.Description = "Baud rates to try on a serial line, e.g. 9600,19200; --baud when absent.";
        parities.Description = "Parities to try on a serial line, e.g. E,N; --parity when absent.";
        Add(units, bauds, parities, json);
        connection.AddTo(Command);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (connection.Read(parse, out var problem) is not { } settings || SerialVariants(settings, parse, out problem) is not { } variants)
        {
            return await BadArguments.ReportAsync(parse, problem!).ConfigureAwait(false);
        }

        return await ScanAsync(settings, variants, parse.GetRequiredValue(units), parse.GetValue(json), parse.InvocationConfiguration, cancellationToken).ConfigureAwait(false);
    }

    private List<ModbusSerialOptions?>? SerialVariants(ModbusConnection settings, ParseResult parse, out string? problem)
    {
        problem = null;
        var baudRates = parse.GetValue(bauds) ?? [];
        var parityList = parse.GetValue(parities) ?? [];
        if (settings.Serial is null)
        {
            problem = baudRates.Length + parityList.Length == 0 ? null : "--bauds and --parities apply to --rtu only.";
            return problem is null ? [null] : null;
        }

        return
        [
            .. (baudRates.Length > 0 ? baudRates : [settings.Serial.BaudRate]).SelectMany(baud =>
                (parityList.Length > 0 ? parityList : [settings.Serial.Parity]).Select(parity => (ModbusSerialOptions?)settings.SerialWith(baud, parity))),
        ];
    }

    private static async Task<int> ScanAsync(
        ModbusConnection settings, List<ModbusSerialOptions?> serialVariants, byte[] unitIds, bool json, InvocationConfiguration console, CancellationToken cancellationToken)
    {
        var found = new List<(byte Unit, string Setting, string Reply)>();
        var total = serialVariants.Count * unitIds.Length;
        var done = 0;
        var progress = ScanProgress.For(console.Error, force: false);
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
                    await console.Error.WriteLineAsync($"loos-edge modbus scan: {client.Endpoint}: {outcome}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }

                done++;
                progress.Report((double)done / total, string.Create(CultureInfo.InvariantCulture, $"{done}/{total} unit {unit} at {setting}, {found.Count} found"));
            }
        }

        progress.Clear();
        await console.Output.WriteLineAsync(json ? FoundJson(found) : FoundText(found, total)).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static string FoundJson(List<(byte Unit, string Setting, string Reply)> found) => JsonText.Write(writer =>
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
    });

    private static string FoundText(List<(byte Unit, string Setting, string Reply)> found, int probes) => string.Join(
        Environment.NewLine,
        [
            .. found.Select(device => string.Create(CultureInfo.InvariantCulture, $"unit {device.Unit,3}  {device.Setting}  {device.Reply}")),
            string.Create(CultureInfo.InvariantCulture, $"{found.Count} device(s) answered out of {probes} probes"),
        ]);

    private static string SerialSetting(ModbusSerialOptions serial) => string.Create(
        CultureInfo.InvariantCulture,
        $"{serial.BaudRate}-{serial.DataBits}{serial.Parity.ToString()[0]}{(serial.StopBits == StopBits.Two ? 2 : 1)}");

    /// <summary>Reads unit ids such as <c>1-247</c> or <c>1,2,10-20</c>: sorted, each once.</summary>
    private static string? ParseUnits(string text, out byte[] ids)
    {
        ids = [];
        var set = new SortedSet<byte>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-', 2);
            if (TypedOptions.ParseNumber("--units", bounds[0], (byte)1, LastUnit, null, out var first) is { } problem
                || (problem = TypedOptions.ParseNumber("--units", bounds[^1], first, LastUnit, null, out var last)) is not null)
            {
                return problem;
            }

            for (var unit = first; unit <= last; unit++)
            {
                set.Add(unit);
            }
        }

        ids = [.. set];
        return ids.Length == 0 ? "--units is empty: give ids such as 1-247 or 1,2,10-20." : null;
    }
}
