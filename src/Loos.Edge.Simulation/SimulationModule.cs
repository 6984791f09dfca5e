using Loos.Edge.Core;
using Loos.Edge.Modules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Simulation;

/// <summary>Simulated field devices (section <c>simulation</c>), for the demo and for a gateway without devices yet.</summary>
public sealed class SimulationModule() : GatewayModule<SimulationOptions>("simulation")
{
    protected override void Bind(IConfiguration section, SimulationOptions options) => section.Bind(options);

    /// <summary>A year of hourly readings: a whole heating year behind the demo, and no more.</summary>
    private static readonly TimeSpan MaximumHistory = TimeSpan.FromDays(366);

    protected override void Validate(SimulationOptions options, ISiteContext site, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Enabled && options.Interval <= TimeSpan.Zero)
        {
            problems.Add("simulation:interval", "must be positive.");
        }

        if (options.History < TimeSpan.Zero || options.History > MaximumHistory)
        {
            problems.Add("simulation:history", $"must be between 0 and {MaximumHistory.TotalDays:0} days.");
        }
    }

    protected override bool IsEnabled(SimulationOptions options, ISiteContext site) => options.Enabled;

    protected override void AddServices(IServiceCollection services, SimulationOptions options, ISiteContext site) =>
        services.AddSimulatedDevices(options);
}
