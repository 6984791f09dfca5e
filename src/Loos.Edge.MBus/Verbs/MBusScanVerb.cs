using System.Text;
using Loos.Edge.MBus.Master;

namespace Loos.Edge.Verbs.MBus;

/// <summary><c>loos-edge mbus scan --port DEVICE [--primary | --secondary]</c>: lists the meters on a line, with a progress bar.</summary>
internal sealed class MBusScanVerb : Verb
{
    private const string Name = "loos-edge mbus scan";

    private readonly MBusLineArguments line = new();
    private readonly Option<bool> primary = new("--primary") { Description = "Probe primary addresses 0-250 with SND_NKE (the default)." };
    private readonly Option<bool> secondary = new("--secondary") { Description = "Search secondary addresses, narrowing colliding wildcards digit by digit: finds meters that share a primary address." };
    private readonly Option<bool> progress = CommonOptions.Progress();
    private readonly Option<bool> json = CommonOptions.Json();

    public MBusScanVerb()
        : base("scan", "List the meters on an M-Bus line, with a progress bar.")
    {
        Add(primary, secondary, progress, json);
        line.AddTo(Command);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var bySecondary = parse.GetValue(secondary);
        var options = line.Read(parse, out var problems);
        if (bySecondary && parse.GetValue(primary))
        {
            problems.Insert(0, "give at most one of --primary or --secondary");
        }

        if (problems.Count > 0)
        {
            return await BadArguments.ReportAsync(parse, problems).ConfigureAwait(false);
        }

        var error = parse.InvocationConfiguration.Error;
        using var master = MBusMaster.ForSerialPort(options);
        var bar = ScanProgress.For(error, parse.GetValue(progress));
        var report = new InlineProgress(step => bar.Report(step.Fraction, string.Create(CultureInfo.InvariantCulture, $"{step.Probing}, {step.Found} found")));
        IReadOnlyList<MBusFoundMeter> found;
        try
        {
            found = bySecondary
                ? await master.ScanSecondaryAsync(report, cancellationToken).ConfigureAwait(false)
                : await master.ScanPrimaryAsync(report, cancellationToken).ConfigureAwait(false);
        }
        catch (MBusLineException failure)
        {
            bar.Clear();
            await error.WriteLineAsync($"{Name}: {failure.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        bar.Clear();
        var mode = bySecondary ? "secondary" : "primary";
        await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(json) ? ScanJson(master.Port, mode, found) : ScanTable(mode, found)).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static string ScanTable(string mode, IReadOnlyList<MBusFoundMeter> found)
    {
        var text = new StringBuilder();
        foreach (var meter in found)
        {
            var address = meter.PrimaryAddress?.ToString(CultureInfo.InvariantCulture) ?? "-";
            text.Append(CultureInfo.InvariantCulture, $"primary {address,3}  id {meter.Identification ?? "-",-8}  {meter.Manufacturer ?? "-",-3}  version {meter.Version?.ToString(CultureInfo.InvariantCulture) ?? "-",-3}  {meter.Medium ?? "-"}");
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

    private static string ScanJson(string port, string mode, IReadOnlyList<MBusFoundMeter> found) => JsonText.Write(
        writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("port", port);
            writer.WriteString("scan", mode);
            writer.WriteStartArray("meters");
            foreach (var meter in found)
            {
                writer.WriteStartObject();
                if (meter.PrimaryAddress is { } address)
                {
                    writer.WriteNumber("primaryAddress", address);
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
        },
        indented: true);

    /// <summary>Reports on the scanning thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class InlineProgress(Action<MBusScanProgress> report) : IProgress<MBusScanProgress>
    {
        public void Report(MBusScanProgress value) => report(value);
    }
}
