using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Lighting;

/// <summary><c>loos-edge lighting override cancel ID</c>: ends an override now; the programme's level applies again.</summary>
internal sealed class OverrideCancelVerb : OverrideVerb
{
    private readonly Argument<string> id = new("ID") { Description = "The override's id, as override list shows it." };

    public OverrideCancelVerb(IVerbContext context)
        : base(context, "cancel", "End an override now; the programme's level applies again.") => Add(id);

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(parse).ConfigureAwait(false) is not { } gateway)
        {
            return ExitCodes.InvalidSiteFile;
        }

        var path = "/lighting/overrides/" + Uri.EscapeDataString(parse.GetRequiredValue(id));
        var (exitCode, reply, _) = await SendAsync(parse, gateway, HttpMethod.Delete, path, null, cancellationToken).ConfigureAwait(false);
        if (exitCode == ExitCodes.Success && reply?.Override is { } cancelled)
        {
            await parse.InvocationConfiguration.Output.WriteLineAsync($"applied: cancelled {Describe(cancelled, gateway.Zone)}").ConfigureAwait(false);
        }

        return exitCode;
    }
}
