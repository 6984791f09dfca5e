using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Loos.Edge.Simulation;

public static class SimulationServiceCollectionExtensions
{
    /// <summary>Runs the simulated devices when <see cref="SimulationOptions.Enabled"/> is set.</summary>
    public static IServiceCollection AddSimulatedDevices(this IServiceCollection services, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Enabled)
        {
            services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
            services.AddSingleton<IHostedService, SimulatedDevices>();
        }

        return services;
    }
}
