using System.Device.Gpio;
using Loos.Edge.Core;
using Loos.Edge.Polling;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Gpio.Pulses;

/// <summary>Runs the pulse counters until the host stops, then saves their counts.</summary>
internal sealed class PulseCounterService(GpioOptions options, Func<GpioController> openController, IReadingSink sink, ISeriesCatalog catalog, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    : PollingService<PulseCounterSet>(GpioOptions.SectionName)
{
    protected override IReadOnlyList<PulseCounterSet> CreatePollers(ConfigurationProblems problems)
    {
        var plans = PulseCounterPlanner.Plan(options, problems);
        if (problems.Count > 0)
        {
            return [];
        }

        // Disposed at stop, which saves every count, so that a clean restart loses no pulse.
        var set = new PulseCounterSet(plans, options.StateDirectory!, openController, sink, catalog, timeProvider, loggerFactory.CreateLogger<PulseCounterService>());
        try
        {
            set.Start();
        }
        catch
        {
            set.Dispose();
            throw;
        }

        return [set];
    }
}
