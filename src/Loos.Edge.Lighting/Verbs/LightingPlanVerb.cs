using Loos.Edge.Lighting;
using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Schedule;
using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Lighting;

/// <summary>
/// <c>loos-edge lighting plan</c>: each night's steps per circuit in local time, the hours lit and at each level, the
/// planned energy and the energy saved against full light from sunset to sunrise, from the site file's programmes and
/// calendar and the overrides the gateway keeps beside its buffer.
/// </summary>
internal sealed class LightingPlanVerb : Verb
{
    /// <summary>The most nights one plan covers: ten years.</summary>
    private const int MaximumDays = 3660;

    private const string DefaultSiteFile = "/etc/loos-edge/site.yaml";

    private readonly Option<string?> config = CommonOptions.OptionalConfig($"The site file (default {DefaultSiteFile}).");
    private readonly Option<DateOnly?> from = TypedOptions.Parsed("--from", (string text, out DateOnly? date) =>
    {
        date = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : null;
        return date is null ? $"--from '{text}' is not a date yyyy-MM-dd" : null;
    });

    private readonly Option<int?> days = TypedOptions.OptionalNumber("--days", 1, MaximumDays, $"a number of nights from 1 to {MaximumDays}");
    private readonly Option<string?> circuit = new("--circuit") { Description = "Only this circuit (default: every circuit)." };
    private readonly Option<bool> json = CommonOptions.Json();
    private readonly Option<bool> csv = new("--csv") { Description = "Print CSV, one line per night and circuit." };
    private readonly IVerbContext context;

    public LightingPlanVerb(IVerbContext context)
        : base("plan", "Each night's levels per circuit, the hours lit and the energy planned and saved.")
    {
        this.context = context;
        from.Description = "The first night, by the date of its evening (yyyy-MM-dd).";
        from.Required = true;
        days.Description = "How many nights (default 1).";
        Add(config, from, days, circuit, json, csv);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        if (parse.GetValue(json) && parse.GetValue(csv))
        {
            return await BadArguments.ReportAsync(parse, "give at most one of --json or --csv").ConfigureAwait(false);
        }

        if (await context.LoadSiteAsync(parse.GetValue(config) ?? DefaultSiteFile, error).ConfigureAwait(false) is not { } site)
        {
            return ExitCodes.InvalidSiteFile;
        }

        var options = site.Options<LightingOptions>();
        var only = parse.GetValue(circuit);
        if (options.Circuits.Count == 0)
        {
            return await BadArguments.ReportAsync(parse, "the site file's lighting section has no circuit to plan").ConfigureAwait(false);
        }

        if (only is not null && !options.Circuits.Exists(c => c.Name == only))
        {
            return await BadArguments.ReportAsync(parse, $"--circuit '{only}' is not a circuit of the site (circuits: {string.Join(", ", options.Circuits.Select(c => c.Name))})").ConfigureAwait(false);
        }

        var overrides = await ReadOverridesAsync(options.OverridesFile, error).ConfigureAwait(false);
        var planner = new LightingPlanner(options, site.Location, site.TimeZone);
        var plan = planner.Plan(parse.GetRequiredValue(from)!.Value, parse.GetValue(days) ?? 1, overrides.List, only);
        cancellationToken.ThrowIfCancellationRequested();
        var output = new LightingPlanOutput(site, options, plan, overrides.List.Count, overrides.File);
        var text = parse.GetValue(json) ? output.Json() : parse.GetValue(csv) ? output.Csv() : output.Table();
        await parse.InvocationConfiguration.Output.WriteLineAsync(text).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>
    /// The overrides the gateway keeps, read without changing the file (the running gateway owns it): none when there
    /// is no file, and none with a warning when it cannot be used.
    /// </summary>
    private static async Task<(IReadOnlyList<LightingOverride> List, string? File)> ReadOverridesAsync(string? path, TextWriter error)
    {
        if (string.IsNullOrEmpty(path))
        {
            return ([], null);
        }

        try
        {
            var read = OverrideFile.Read(path);
            if (read.Status is OverrideFileStatus.Damaged or OverrideFileStatus.Newer)
            {
                await error.WriteLineAsync($"loos-edge lighting plan: the overrides in {path} are left out: {read.Problem}").ConfigureAwait(false);
            }

            return (read.Overrides, read.Status == OverrideFileStatus.Missing ? null : path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"loos-edge lighting plan: the overrides in {path} are left out: {exception.Message}").ConfigureAwait(false);
            return ([], null);
        }
    }
}
