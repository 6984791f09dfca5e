using Loos.Edge.MBus;
using Loos.Edge.MBus.Master;

namespace Loos.Edge.Verbs.MBus;

/// <summary>
/// <c>loos-edge mbus read --port DEVICE (--address N | --secondary ID) [--baud 2400] [--json]</c>: reads a meter
/// (SND_NKE or selection, then REQ_UD2 while more records follow).
/// </summary>
internal sealed class MBusReadVerb : Verb
{
    private const string Name = "loos-edge mbus read";

    private readonly MBusLineArguments line = new();
    private readonly Option<byte?> address = TypedOptions.Parsed("--address", (string text, out byte? primary) =>
    {
        primary = byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && (number <= MBusMaster.LastPrimaryAddress || number == MBusMaster.TestAddress) ? number : null;
        return primary is null ? $"--address {text} is not a primary address (0-250, or 254 for the only meter on the line)" : null;
    }, "-a");

    private readonly Option<MBusSecondaryAddress?> secondary = TypedOptions.Parsed("--secondary", (string text, out MBusSecondaryAddress? meter) =>
    {
        meter = null;
        if (!MBusSecondaryAddress.TryParse(text, out var parsed, out var problem))
        {
            return $"--secondary: {problem}";
        }

        meter = parsed;
        return parsed.HasWildcards ? $"--secondary: '{text}' has wildcard digits; use mbus scan --secondary to search" : null;
    }, "-s");

    private readonly Option<bool> json = CommonOptions.Json();

    public MBusReadVerb()
        : base("read", "Read a meter on an M-Bus line (SND_NKE or selection, then REQ_UD2 while more records follow).")
    {
        address.Description = "The meter's primary address, 0-250 (254: the only meter on the line).";
        secondary.Description = "The meter's secondary address: 8 identification digits, optionally :MAN[:VERSION[:MEDIUM]].";
        Add(address, secondary, json);
        line.AddTo(Command);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var primary = parse.GetValue(address);
        var secondaryAddress = parse.GetValue(secondary);
        if ((primary is null) == (secondaryAddress is null))
        {
            return await BadArguments.ReportAsync(parse, "give exactly one of --address N or --secondary ID").ConfigureAwait(false);
        }

        var options = line.Read(parse, out var problems);
        if (problems.Count > 0)
        {
            return await BadArguments.ReportAsync(parse, problems).ConfigureAwait(false);
        }

        var meter = primary is { } number ? MBusMeterAddress.Primary(number) : MBusMeterAddress.Secondary(secondaryAddress!.Value);
        using var master = MBusMaster.ForSerialPort(options);
        MBusReadResult result;
        try
        {
            result = await master.ReadAsync(meter, cancellationToken).ConfigureAwait(false);
        }
        catch (MBusLineException failure)
        {
            await error.WriteLineAsync($"{Name}: {failure.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        if (!result.IsSuccess)
        {
            await error.WriteLineAsync(result.Kind == MBusOutcomeKind.InvalidTelegram
                ? $"{Name}: the meter at {meter} sent an invalid telegram: {result.Reason} at byte {result.Offset}"
                : $"{Name}: {result.Detail}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var readout = result.Readout;
        await output.WriteLineAsync(parse.GetValue(json)
            ? MBusJson.Serialize(readout)
            : MBusText.Describe(readout.First.Header, [.. readout.Records], readout.Telegrams.Count)).ConfigureAwait(false);
        if (readout.Truncated)
        {
            await error.WriteLineAsync($"{Name}: the meter still had more records after {readout.Telegrams.Count} telegrams (--max-telegrams)").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }
}
