using Loos.Edge.Commissioning;
using Loos.Edge.Core.Clock;
using Loos.Edge.Forwarding.Clock;
using Loos.Edge.Hosting;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Verbs;

/// <summary>
/// <c>loos-edge doctor [--config FILE] [--json]</c>: what is wrong with an installation, one line per check with the
/// fix in words. Each module contributes its checks; an invalid site file is itself a failed check, and the checks that
/// need no site (the clock, the service) still run. Exit 0 when nothing failed, 1 when something did, 2 when the
/// arguments are wrong or the site file cannot be read at all.
/// </summary>
internal sealed class DoctorVerb : Verb
{
    private const string DefaultSiteFile = "/etc/loos-edge/site.yaml";

    private readonly Option<string?> config = CommonOptions.OptionalConfig($"The site file (default {DefaultSiteFile}).");
    private readonly Option<bool> json = CommonOptions.Json("Print the checks as JSON for scripts.");
    private readonly IClockTrust clock;

    public DoctorVerb(IClockTrust clock)
        : base("doctor", "Check an installation: site file, data directory, serial ports, GPIO and I²C, clock, InfluxDB targets, MQTT broker, ports, service.")
    {
        this.clock = clock;
        Add(config, json);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var console = parse.InvocationConfiguration;
        var path = parse.GetValue(config) ?? DefaultSiteFile;
        SiteConfiguration? site = null;
        CheckResult siteCheck;
        try
        {
            var file = SiteFile.Load(path);
            site = SiteConfiguration.Load(file);
            siteCheck = CheckResult.Pass($"valid (site '{site.Name}')");
        }
        catch (SiteFileException exception) when (exception.InnerException is IOException or UnauthorizedAccessException)
        {
            await console.Error.WriteLineAsync($"loos-edge doctor: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidSiteFile;
        }
        catch (SiteFileException exception)
        {
            siteCheck = CheckResult.Fail(
                "invalid:" + Environment.NewLine + string.Join(Environment.NewLine, exception.Message.Split('\n').Select(line => "        " + line.TrimEnd('\r'))),
                "correct each problem at its line (loos-edge config validate lists them again); the checks below that need the site were not run");
        }

        var checks = new List<IDoctorCheck>();
        if (site is not null)
        {
            var doctor = new DoctorContext(TimeProvider.System, GatewayModules.All.Sum(module => module.EstimateReadingsPerHour(site)));
            checks.AddRange(GatewayModules.All.SelectMany(module => module.CreateChecks(site, doctor)));
        }

        checks.AddRange(HostChecks.Create(clock, site?.Options<ClockOptions>().Trust == ClockTrustMode.Rtc));
        var results = await Task.WhenAll(checks.Select(check => RunAsync(check, cancellationToken))).ConfigureAwait(false);
        List<DoctorLine> lines = [new($"site file {Path.GetFullPath(path)}", siteCheck), .. checks.Select((check, i) => new DoctorLine(check.Name, results[i]))];
        await console.Output.WriteLineAsync(parse.GetValue(json) ? DoctorReport.Json(Path.GetFullPath(path), lines) : DoctorReport.Text(lines)).ConfigureAwait(false);
        return DoctorReport.Overall(lines) == CheckVerdict.Fail ? ExitCodes.Failure : ExitCodes.Success;
    }

    /// <summary>Runs one check; one that throws is a failed check, never the end of the report.</summary>
    private static async Task<CheckResult> RunAsync(IDoctorCheck check, CancellationToken cancellationToken)
    {
        try
        {
            return await check.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail($"the check itself failed: {exception.Message}", "report this with the output of loos-edge doctor");
        }
    }
}
