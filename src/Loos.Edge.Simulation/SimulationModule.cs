using Loos.Edge.Core;
using Loos.Edge.Modules;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Simulation;

/// <summary>Simulated field devices (section <c>simulation</c>), for the demo and for a gateway without devices yet.</summary>
public sealed class SimulationModule() : GatewayModule<SimulationOptions>("simulation")
{
    protected override void Validate(SimulationOptions options, ISiteContext site, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Enabled && options.Interval <= TimeSpan.Zero)
        {
            problems.Add("simulation:interval", "must be positive.");
        }
    }

    protected override bool IsEnabled(SimulationOptions options, ISiteContext site) => options.Enabled;

    protected override void AddServices(IServiceCollection services, SimulationOptions options, ISiteContext site) =>
        services.AddSimulatedDevices(options);
}
