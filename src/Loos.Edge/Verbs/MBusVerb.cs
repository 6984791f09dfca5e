using System.CommandLine;
using System.Globalization;
using System.Text;
using Loos.Edge.MBus;

namespace Loos.Edge.Verbs;

/// <summary>
/// <c>loos-edge mbus decode HEX | --file FILE [--json]</c>: decodes one wired M-Bus frame written in hex.
/// Exit codes: 0 decoded (an application error reply included), 1 the frame is invalid (the reason and byte offset on
/// standard error), 2 bad arguments.
/// </summary>
public static class MBusVerb
{
    private const string Name = "loos-edge mbus decode";

    /// <summary>The <c>mbus</c> command with its <c>decode</c> subcommand.</summary>
    public static Command Create()
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
        return new Command("mbus", "Wired M-Bus (EN 13757) tools: decode a frame.") { decode };
    }

    private static string Describe(MBusTelegram telegram)
    {
        var text = new StringBuilder();
        if (telegram.Error is { } applicationError)
        {
            text.Append(CultureInfo.InvariantCulture, $"application error {telegram.ErrorCode}: {applicationError}");
            return text.ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $"manufacturer {telegram.Manufacturer ?? "-"}, identification {telegram.Identification ?? "-"}, version {telegram.Version?.ToString(CultureInfo.InvariantCulture) ?? "-"}, medium {telegram.Medium ?? "-"}").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"access number {telegram.AccessNumber?.ToString(CultureInfo.InvariantCulture) ?? "-"}, status 0x{telegram.Status ?? 0:X2}, {telegram.Records.Count} records").AppendLine();
        foreach (var record in telegram.Records)
        {
            var value = record.Value is { } number ? number.ToString("G15", CultureInfo.InvariantCulture) : record.Text ?? "(no value)";
            text.Append(CultureInfo.InvariantCulture, $"{MBusJson.FunctionName(record.Function),-20} s{record.Storage} t{record.Tariff} u{record.Subunit}  {record.Quantity,-28} {value} {record.Unit}").AppendLine();
        }

        return text.ToString().TrimEnd();
    }
}
