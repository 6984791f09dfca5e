using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Lighting;

/// <summary>
/// <c>loos-edge lighting override add --circuit C… | --all --level L [--from T] --until T [--reason R]</c>: asks the
/// running gateway for an override and prints it as applied, or the gateway's reason why not.
/// </summary>
internal sealed class OverrideAddVerb : OverrideVerb
{
    private readonly Option<string[]> circuits = new("--circuit")
    {
        Description = "A circuit to override, by its name in the site file; repeat it, or give several after it.",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<bool> all = new("--all") { Description = "Override every circuit." };
    private readonly Option<int?> level = TypedOptions.OptionalNumber("--level", 0, 100, "a level from 0 to 100 %");
    private readonly Option<string?> from = new("--from") { Description = "When it starts: yyyy-MM-ddTHH:mm in the site's time zone, or ISO 8601 with its offset; default now." };
    private readonly Option<string?> until = new("--until") { Description = "When it expires: as --from, or a duration after it such as +2h, +90m, +1h30m, +1d." };
    private readonly Option<string?> reason = new("--reason") { Description = "Why, for the plan and the logs (at most 200 characters)." };

    public OverrideAddVerb(IVerbContext context)
        : base(context, "add", "Set a level on some circuits, or all, from a time until an expiry; the newest override wins.")
    {
        level.Description = "The level, % of full light (0 switches off).";
        Add(circuits, all, level, from, until, reason);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var named = parse.GetValue(circuits) ?? [];
        var everyCircuit = parse.GetValue(all);
        var problems = new List<string>();
        if (named.Length == 0 && !everyCircuit)
        {
            problems.Add("give --circuit NAME (one or more) or --all");
        }
        else if (named.Length > 0 && everyCircuit)
        {
            problems.Add("give --circuit or --all, not both");
        }

        if (parse.GetValue(level) is null)
        {
            problems.Add("--level is required (0 to 100)");
        }

        if (parse.GetValue(until) is null)
        {
            problems.Add("--until is required: a time, or a duration such as +2h");
        }

        if (problems.Count > 0)
        {
            return await BadArguments.ReportAsync(parse, problems).ConfigureAwait(false);
        }

        if (await ResolveAsync(parse).ConfigureAwait(false) is not { } gateway)
        {
            return ExitCodes.InvalidSiteFile;
        }

        if (Times(parse, gateway.Zone, out var start, out var end) is { } timeProblem)
        {
            return await BadArguments.ReportAsync(parse, timeProblem).ConfigureAwait(false);
        }

        var request = new OverrideRequest
        {
            Circuits = everyCircuit ? null : [.. named],
            All = everyCircuit,
            Level = parse.GetValue(level),
            From = start is { } startInstant ? OverrideTimes.Format(startInstant) : null,
            Until = OverrideTimes.Format(end),
            Reason = parse.GetValue(reason),
        };
        var (exitCode, reply, _) = await SendAsync(parse, gateway, HttpMethod.Post, "/lighting/overrides", request, cancellationToken).ConfigureAwait(false);
        if (exitCode == ExitCodes.Success && reply?.Override is { } added)
        {
            await parse.InvocationConfiguration.Output.WriteLineAsync($"applied: {Describe(added, gateway.Zone)}").ConfigureAwait(false);
        }

        return exitCode;
    }

    /// <summary>
    /// The start (null: now, as the gateway's clock says) and the expiry; a duration is counted from the start, or
    /// from now on this machine's clock when there is none.
    /// </summary>
    private string? Times(ParseResult parse, TimeZoneInfo zone, out DateTimeOffset? start, out DateTimeOffset end)
    {
        start = null;
        end = default;
        if (parse.GetValue(from) is { } fromText && !string.Equals(fromText, "now", StringComparison.OrdinalIgnoreCase))
        {
            if (OverrideTimes.TryParseLocalOrInstant("--from", fromText, zone, out var parsed) is { } problem)
            {
                return problem;
            }

            start = parsed;
        }

        var untilText = parse.GetValue(until)!;
        if (untilText.StartsWith('+'))
        {
            if (!OverrideTimes.TryParseDuration(untilText, out var duration))
            {
                return $"--until '{untilText}' is not a duration such as +2h, +90m, +1h30m or +1d";
            }

            end = (start ?? TimeProvider.System.GetUtcNow()) + duration;
            return null;
        }

        return OverrideTimes.TryParseLocalOrInstant("--until", untilText, zone, out end);
    }
}
