using System.Device.Gpio;
using Loos.Edge.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Gpio.Pulses;

/// <summary>Runs the pulse counters until the host stops, then saves their counts.</summary>
internal sealed class PulseCounterService(
    GpioOptions options,
    Func<GpioController> openController,
    IReadingSink sink,
    ISeriesCatalog catalog,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : BackgroundService, IDeviceMonitor
{
    private volatile PulseCounterSet? running;

    /// <summary>Every counter and whether it counts with a verified count; empty before the counters start.</summary>
    public IReadOnlyList<DeviceStatus> GetDevices() => running is { } set ? [.. set.DeviceStatuses] : [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var problems = new ConfigurationProblems();
        var plans = PulseCounterPlanner.Plan(options, problems);
        if (problems.Count > 0)
        {
            // The validator runs at start; reaching this means the options changed or were never validated.
            throw new InvalidOperationException("The gpio section is not valid: " + string.Join("; ", problems));
        }

        var logger = loggerFactory.CreateLogger<PulseCounterService>();
        using var set = new PulseCounterSet(plans, options.StateDirectory!, openController, sink, catalog, timeProvider, logger);
        set.Start();
        running = set;
        try
        {
            await set.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            // Saved at stop, so that a clean restart loses no pulse.
            set.Stop();
        }
    }
}
