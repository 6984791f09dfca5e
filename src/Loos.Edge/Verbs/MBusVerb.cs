using System.CommandLine;
using System.IO.Ports;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Loos.Edge.MBus;
using Loos.Edge.MBus.Master;

namespace Loos.Edge.Verbs;

/// <summary>
/// The wired M-Bus tools of the technician:
/// <list type="bullet">
/// <item><c>loos-edge mbus decode HEX | --file FILE [--json]</c> decodes one frame written in hex;</item>
/// <item><c>loos-edge mbus read --port DEVICE (--address N | --secondary ID) [--baud 2400] [--json]</c> reads a meter;</item>
/// <item><c>loos-edge mbus scan --port DEVICE [--primary | --secondary]</c> lists the meters on a line.</item>
/// </list>
/// Exit codes: 0 done (an application error reply is a reply), 1 invalid frame, no reply or a failing port (the
/// reason, with the byte offset for a frame, on standard error), 2 bad arguments.
/// </summary>
public static class MBusVerb
{
    private const string Name = "loos-edge mbus decode";

    /// <summary>The <c>mbus</c> command with its <c>decode</c>, <c>read</c> and <c>scan</c> subcommands.</summary>
    public static Command Create() =>
        new("mbus", "Wired M-Bus (EN 13757) tools: decode a frame, read a meter, scan a line.") { CreateDecode(), CreateRead(), CreateScan() };

    private static Command CreateDecode()
    {
        var hex = new Argument<string[]>("HEX") { Description = "The frame as hex bytes, e.g. 68 03 03 68 08 01 70 79 16.", Arity = ArgumentArity.ZeroOrMore };
        var file = new Option<string?>("--file", "-f") { Description = "A file holding the frame as hex text." };
        var json = CommonOptions.Json();
        var decode = new Command("decode", "Decode one M-Bus frame (EN 13757-2/-3) and print its header and records.") { hex, file, json };
        decode.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var words = parse.GetValue(hex) ?? [];
            var path = parse.GetValue(file);
            if ((words.Length > 0) == (path is not null))
            {
                await error.WriteLineAsync($"{Name}: give exactly one of HEX or --file FILE").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            string text;
            if (path is not null)
            {
                try
                {
                    text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync($"{Name}: cannot read {path}: {exception.Message}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
            }
            else
            {
                text = string.Join(' ', words);
            }

            if (!MBusHex.TryParse(text, out var frame, out var problem))
            {
                await error.WriteLineAsync($"{Name}: {problem}").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            if (!MBusDecoder.TryDecode(frame, out var telegram, out var rejection))
            {
                await error.WriteLineAsync($"{Name}: invalid frame: {rejection!.Reason} at byte {rejection.Offset}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            await output.WriteLineAsync(parse.GetValue(json) ? MBusJson.Serialize(telegram!) : Describe(telegram!)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return decode;
    }

    private static string Describe(MBusTelegram telegram) => Describe(telegram, telegram.Records, telegrams: 1);

    private static string Describe(MBusTelegram telegram, IReadOnlyList<MBusRecord> records, int telegrams)
    {
        var text = new StringBuilder();
        if (telegram.Error is { } applicationError)
        {
            text.Append(CultureInfo.InvariantCulture, $"application error {telegram.ErrorCode}: {applicationError}");
            return text.ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $"manufacturer {telegram.Manufacturer ?? "-"}, identification {telegram.Identification ?? "-"}, version {telegram.Version?.ToString(CultureInfo.InvariantCulture) ?? "-"}, medium {telegram.Medium ?? "-"}").AppendLine();
        var telegramCount = telegrams > 1 ? string.Create(CultureInfo.InvariantCulture, $" in {telegrams} telegrams") : string.Empty;
        text.Append(CultureInfo.InvariantCulture, $"access number {telegram.AccessNumber?.ToString(CultureInfo.InvariantCulture) ?? "-"}, status 0x{telegram.Status ?? 0:X2}, {records.Count} records{telegramCount}").AppendLine();
        foreach (var record in records)
        {
            var value = record.Value is { } number ? number.ToString("G15", CultureInfo.InvariantCulture) : record.Text ?? "(no value)";
            text.Append(CultureInfo.InvariantCulture, $"{MBusJson.FunctionName(record.Function),-20} s{record.Storage} t{record.Tariff} u{record.Subunit}  {record.Quantity,-28} {value} {record.Unit}").AppendLine();
        }

        return text.ToString().TrimEnd();
    }

    private static Command CreateRead()
    {
        var line = new LineOptions();
        var address = new Option<int?>("--address", "-a") { Description = "The meter's primary address, 0-250 (254: the only meter on the line)." };
        var secondary = new Option<string?>("--secondary", "-s") { Description = "The meter's secondary address: 8 identification digits, optionally :MAN[:VERSION[:MEDIUM]]." };
        var json = CommonOptions.Json();
        var read = new Command("read", "Read a meter on an M-Bus line (SND_NKE or selection, then REQ_UD2 while more records follow).") { address, secondary, json };
        line.AddTo(read);
        read.SetAction(async (parse, cancellationToken) =>
        {
            const string Verb = "loos-edge mbus read";
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var primary = parse.GetValue(address);
            var secondaryText = parse.GetValue(secondary);
            if ((primary is null) == (secondaryText is null))
            {
                await error.WriteLineAsync($"{Verb}: give exactly one of --address N or --secondary ID").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            MBusMeterAddress meter;
            if (primary is { } number)
            {
                if (number is < 0 or > MBusMaster.LastPrimaryAddress && number != MBusMaster.TestAddress)
                {
                    await error.WriteLineAsync($"{Verb}: --address {number} is not a primary address (0-250, or 254 for the only meter on the line)").ConfigureAwait(false);
                    return ExitCodes.BadArguments;
                }

                meter = MBusMeterAddress.Primary((byte)number);
            }
            else if (!MBusSecondaryAddress.TryParse(secondaryText!, out var parsed, out var problem) || parsed.HasWildcards)
            {
                await error.WriteLineAsync($"{Verb}: --secondary: {problem ?? $"'{secondaryText}' has wildcard digits; use mbus scan --secondary to search"}").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }
            else
            {
                meter = MBusMeterAddress.Secondary(parsed);
            }

            if (!line.TryCreate(parse, Verb, error, out var options))
            {
                return ExitCodes.BadArguments;
            }

            using var master = MBusMaster.ForSerialPort(options);
            try
            {
                var readout = await master.ReadAsync(meter, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(parse.GetValue(json)
                    ? MBusJson.Serialize(readout)
                    : Describe(readout.First, [.. readout.Records], readout.Telegrams.Count)).ConfigureAwait(false);
                if (readout.Truncated)
                {
                    await error.WriteLineAsync($"{Verb}: the meter still had more records after {readout.Telegrams.Count} telegrams (--max-telegrams)").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }
            catch (MBusFrameException rejection)
            {
                await error.WriteLineAsync($"{Verb}: the meter at {meter} sent an invalid telegram: {rejection.Reason} at byte {rejection.Offset}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (MBusException failure)
            {
                await error.WriteLineAsync($"{Verb}: {failure.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return read;
    }

    private static Command CreateScan()
    {
        var line = new LineOptions();
        var primary = new Option<bool>("--primary") { Description = "Probe primary addresses 0-250 with SND_NKE (the default)." };
        var secondary = new Option<bool>("--secondary") { Description = "Search secondary addresses, narrowing colliding wildcards digit by digit: finds meters that share a primary address." };
        var progressOption = new Option<bool>("--progress") { Description = "Draw the progress bar even when standard error is not a terminal." };
        var json = CommonOptions.Json();
        var scan = new Command("scan", "List the meters on an M-Bus line, with a progress bar.") { primary, secondary, progressOption, json };
        line.AddTo(scan);
        scan.SetAction(async (parse, cancellationToken) =>
        {
            const string Verb = "loos-edge mbus scan";
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var bySecondary = parse.GetValue(secondary);
            if (bySecondary && parse.GetValue(primary))
            {
                await error.WriteLineAsync($"{Verb}: give at most one of --primary or --secondary").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            if (!line.TryCreate(parse, Verb, error, out var options))
            {
                return ExitCodes.BadArguments;
            }

            using var master = MBusMaster.ForSerialPort(options);
            var bar = ScanProgress.For(error, parse.GetValue(progressOption));
            var progress = new InlineProgress(step => bar.Report(step.Fraction, string.Create(CultureInfo.InvariantCulture, $"{step.Probing}, {step.Found} found")));
            IReadOnlyList<MBusFoundMeter> found;
            try
            {
                found = bySecondary
                    ? await master.ScanSecondaryAsync(progress, cancellationToken).ConfigureAwait(false)
                    : await master.ScanPrimaryAsync(progress, cancellationToken).ConfigureAwait(false);
            }
            catch (MBusLineException failure)
            {
                bar.Clear();
                await error.WriteLineAsync($"{Verb}: {failure.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            bar.Clear();
            var mode = bySecondary ? "secondary" : "primary";
            await output.WriteLineAsync(parse.GetValue(json) ? ScanJson(master.Port, mode, found) : ScanTable(mode, found)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return scan;
    }

    private static string ScanTable(string mode, IReadOnlyList<MBusFoundMeter> found)
    {
        var text = new StringBuilder();
        foreach (var meter in found)
        {
            var primary = meter.PrimaryAddress?.ToString(CultureInfo.InvariantCulture) ?? "-";
            text.Append(CultureInfo.InvariantCulture, $"primary {primary,3}  id {meter.Identification ?? "-",-8}  {meter.Manufacturer ?? "-",-3}  version {meter.Version?.ToString(CultureInfo.InvariantCulture) ?? "-",-3}  {meter.Medium ?? "-"}");
            if (meter.Problem is { } problem)
            {
                text.Append(CultureInfo.InvariantCulture, $"  ({problem})");
            }

            text.AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"{found.Count} meter(s) found by {mode} scan");
        if (mode == "primary" && found.Any(m => m.Problem is not null && m.Identification is null))
        {
            text.AppendLine().Append("Several meters answer on one primary address: run mbus scan --secondary to tell them apart.");
        }

        return text.ToString();
    }

    private static string ScanJson(string port, string mode, IReadOnlyList<MBusFoundMeter> found)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("port", port);
            writer.WriteString("scan", mode);
            writer.WriteStartArray("meters");
            foreach (var meter in found)
            {
                writer.WriteStartObject();
                if (meter.PrimaryAddress is { } primary)
                {
                    writer.WriteNumber("primaryAddress", primary);
                }

                writer.WriteString("identification", meter.Identification);
                writer.WriteString("manufacturer", meter.Manufacturer);
                if (meter.Version is { } version)
                {
                    writer.WriteNumber("version", version);
                }

                writer.WriteString("medium", meter.Medium);
                if (meter.Problem is { } problem)
                {
                    writer.WriteString("problem", problem);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reports on the scanning thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class InlineProgress(Action<MBusScanProgress> report) : IProgress<MBusScanProgress>
    {
        public void Report(MBusScanProgress value) => report(value);
    }

    /// <summary>The serial options shared by <c>read</c> and <c>scan</c>.</summary>
    private sealed class LineOptions
    {
        private readonly Option<string> port = new("--port", "-p") { Description = "The serial device of the M-Bus level converter, e.g. /dev/ttyUSB0.", Required = true };
        private readonly Option<int> baud = new("--baud", "-b") { Description = "Baud rate (default 2400).", DefaultValueFactory = _ => 2400 };
        private readonly Option<string> parity = new("--parity") { Description = "N, E or O (default E: M-Bus is 8E1).", DefaultValueFactory = _ => "E" };
        private readonly Option<int?> timeout = new("--timeout") { Description = "Response timeout in ms (default: EN 13757-2, 330 bit times + 50 ms)." };
        private readonly Option<int> retries = new("--retries") { Description = "Repeats of an unanswered request (default 2).", DefaultValueFactory = _ => 2 };
        private readonly Option<int> maxTelegrams = new("--max-telegrams") { Description = "Most telegrams read from one meter (default 16).", DefaultValueFactory = _ => 16 };

        public void AddTo(Command command)
        {
            command.Options.Add(port);
            command.Options.Add(baud);
            command.Options.Add(parity);
            command.Options.Add(timeout);
            command.Options.Add(retries);
            command.Options.Add(maxTelegrams);
        }

        public bool TryCreate(ParseResult parse, string verb, TextWriter error, out MBusLineOptions options)
        {
            options = new MBusLineOptions
            {
                DevicePath = parse.GetValue(port) ?? string.Empty,
                BaudRate = parse.GetValue(baud),
                Retries = parse.GetValue(retries),
                MaxTelegrams = parse.GetValue(maxTelegrams),
                ResponseTimeout = parse.GetValue(timeout) is { } milliseconds ? TimeSpan.FromMilliseconds(milliseconds) : null,
            };
            var problems = new List<string>();
            if (CommonOptions.TryParseParity(parse.GetValue(parity), out var lineParity))
            {
                options.Parity = lineParity;
            }
            else
            {
                problems.Add($"parity: '{parse.GetValue(parity)}' is not N, E or O");
            }

            // The master's keys are its options; the command line spells two of them differently.
            problems.AddRange(MBusLineOptionsValidator.Check(options).Entries.Select(p => p.Key switch
            {
                "responseTimeout" => "timeout" + p.Text[p.Key.Length..],
                "maxTelegrams" => "max-telegrams" + p.Text[p.Key.Length..],
                _ => p.Text,
            }));
            foreach (var problem in problems)
            {
                error.WriteLine($"{verb}: --{problem}");
            }

            return problems.Count == 0;
        }
    }
}
