using Loos.Edge.MBus;

namespace Loos.Edge.Verbs.MBus;

/// <summary><c>loos-edge mbus decode HEX | --file FILE [--json]</c>: decodes one frame written in hex.</summary>
internal sealed class MBusDecodeVerb : Verb
{
    private const string Name = "loos-edge mbus decode";

    private readonly Argument<string[]> hex = new("HEX") { Description = "The frame as hex bytes, e.g. 68 03 03 68 08 01 70 79 16.", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string?> file = new("--file", "-f") { Description = "A file holding the frame as hex text." };
    private readonly Option<bool> json = CommonOptions.Json();

    public MBusDecodeVerb()
        : base("decode", "Decode one M-Bus frame (EN 13757-2/-3) and print its header and records.")
    {
        Add(hex, file, json);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var words = parse.GetValue(hex) ?? [];
        var path = parse.GetValue(file);
        if ((words.Length > 0) == (path is not null))
        {
            return await BadArguments.ReportAsync(parse, "give exactly one of HEX or --file FILE").ConfigureAwait(false);
        }

        string text;
        try
        {
            text = path is null ? string.Join(' ', words) : await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{Name}: cannot read {path}: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        if (!MBusHex.TryParse(text, out var frame, out var problem))
        {
            return await BadArguments.ReportAsync(parse, problem).ConfigureAwait(false);
        }

        if (!MBusDecoder.TryDecode(frame, out var telegram, out var rejection))
        {
            await error.WriteLineAsync($"{Name}: invalid frame: {rejection!.Reason} at byte {rejection.Offset}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await output.WriteLineAsync(parse.GetValue(json) ? MBusJson.Serialize(telegram!) : MBusText.Describe(telegram!.Header, telegram.Records, telegrams: 1)).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
