using Loos.Edge.Commissioning;
using Loos.Edge.Hosting;
using Loos.Edge.Modules;
using Loos.Edge.Modules.Commissioning;

namespace Loos.Edge.Verbs;

/// <summary>
/// <c>loos-edge site test --config FILE [--json] [--listen SECONDS]</c>: reads every configured device once with the
/// modules' own pollers and prints one table (device, point, value, unit, quality, time, or why it could not be read).
/// Nothing goes into the buffer, which is never opened: it runs beside the service.
/// </summary>
internal sealed class SiteTestVerb : Verb
{
    private readonly Option<string> config = CommonOptions.Config();
    private readonly Option<bool> json = CommonOptions.Json("Print the readings as JSON for scripts.");
    private readonly Option<int> listen = TypedOptions.Number("--listen", 1, 3600, "a number of seconds from 1 to 3600");
    private readonly Option<bool> progress = CommonOptions.Progress();
    private readonly IVerbContext context;

    public SiteTestVerb(IVerbContext context)
        : base("test", "Read every configured device once and print what each gave, or why it could not be read; nothing is written to the buffer.")
    {
        this.context = context;
        listen.Description = "How long MQTT subscriptions are listened to, in seconds (default 5).";
        listen.DefaultValueFactory = _ => 5;
        Add(config, json, listen, progress);
    }

    /// <summary>The <c>site</c> group, with <c>test</c>.</summary>
    public static Command Create(IVerbContext context) => new("site", "Commissioning tools.") { new SiteTestVerb(context).Command };

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var console = parse.InvocationConfiguration;
        if (await context.LoadSiteAsync(parse.GetRequiredValue(config), console.Error).ConfigureAwait(false) is not { } site)
        {
            return ExitCodes.InvalidSiteFile;
        }

        var timeProvider = TimeProvider.System;
        var settings = new SiteTestSettings(timeProvider, TimeSpan.FromSeconds(parse.GetValue(listen)));
        var tests = GatewayModules.All.SelectMany(module => module.CreateDeviceTests(site)).ToList();
        var total = Math.Max(1, tests.Sum(test => test.DeviceCount));
        var bar = ScanProgress.For(console.Error, parse.GetValue(progress));
        var rows = new List<DeviceReading>();
        var done = 0;
        foreach (var test in tests)
        {
            bar.Report((double)done / total, $"reading {done + 1}/{total}: {test.Name}");
            try
            {
                rows.AddRange(await test.ReadOnceAsync(settings, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                rows.Add(new DeviceReading(test.Name, string.Empty, null, string.Empty, "-", null, exception.Message));
            }

            done += test.DeviceCount;
        }

        bar.Clear();
        if (tests.Count == 0)
        {
            await console.Error.WriteLineAsync("loos-edge site test: the site file configures no device to read.").ConfigureAwait(false);
        }

        await console.Output.WriteLineAsync(parse.GetValue(json) ? SiteTestTable.Json(rows) : SiteTestTable.Text(rows)).ConfigureAwait(false);
        return rows.Any(row => row.Reason is not null) ? ExitCodes.Failure : ExitCodes.Success;
    }
}
