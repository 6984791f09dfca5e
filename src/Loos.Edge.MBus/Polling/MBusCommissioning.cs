using Loos.Edge.Core;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Polling.Commissioning;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.MBus.Polling;

/// <summary>What the doctor checks of the M-Bus lines, and how the site test reads them: with the line poller itself.</summary>
internal static class MBusCommissioning
{
    public static IEnumerable<IDoctorCheck> Checks(MBusOptions options) =>
        options.Lines.Select(line => SerialPortCheck.For(line.Device, "mbus line " + line.Name));

    // A meter's fields are known only once it answers: a heat meter sends about this many (energy, volume, power, flow, two temperatures).
    private const int AssumedFieldsPerMeter = 6;

    public static double ReadingsPerHour(MBusOptions options) =>
        options.Lines.SelectMany(line => line.Meters).Sum(meter => AssumedFieldsPerMeter * (TimeSpan.FromHours(1) / meter.Interval));

    /// <summary>One test per line; a meter that does not answer is reported at its first silence (nothing is backed off in a one-shot read).</summary>
    public static IEnumerable<IDeviceTest> DeviceTests(MBusOptions options)
    {
        foreach (var line in options.Lines)
        {
            line.OfflineAfterTimeouts = 1;
        }

        foreach (var plan in MBusPlanner.Plan(options, new ConfigurationProblems()).Where(p => p.Meters.Count > 0))
        {
            yield return new PollerDeviceTest(
                $"mbus line {plan.Options.Name}",
                plan.Meters.Count,
                (sink, catalog, timeProvider, logger) =>
                    new MBusLinePoller(plan, new MBusMeterReaderFactory(NullLoggerFactory.Instance, timeProvider).Create(plan.Options.Name, plan.Master), sink, catalog, timeProvider, logger));
        }
    }
}
