using System.Text;
using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Lighting;

/// <summary><c>loos-edge lighting override list [--json]</c>: the running gateway's overrides in force or to come, newest first.</summary>
internal sealed class OverrideListVerb : OverrideVerb
{
    private readonly Option<bool> json = CommonOptions.Json("Print the gateway's JSON reply instead of a table.");

    public OverrideListVerb(IVerbContext context)
        : base(context, "list", "The overrides in force or to come, newest first (the newest wins where they overlap).") => Add(json);

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(parse).ConfigureAwait(false) is not { } gateway)
        {
            return ExitCodes.InvalidSiteFile;
        }

        var (exitCode, reply, body) = await SendAsync(parse, gateway, HttpMethod.Get, "/lighting/overrides", null, cancellationToken).ConfigureAwait(false);
        if (exitCode != ExitCodes.Success)
        {
            return exitCode;
        }

        var output = parse.InvocationConfiguration.Output;
        if (parse.GetValue(json))
        {
            await output.WriteLineAsync(body).ConfigureAwait(false);
            return exitCode;
        }

        var overrides = reply!.Overrides ?? [];
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{overrides.Count} override{(overrides.Count == 1 ? string.Empty : "s")} in force or to come, newest first").AppendLine();
        foreach (var item in overrides)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Describe(item, gateway.Zone)}  given {Local(item.Created, gateway.Zone)}").AppendLine();
        }

        await output.WriteAsync(text.ToString()).ConfigureAwait(false);
        return exitCode;
    }
}
