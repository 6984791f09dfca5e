using Loos.Edge.Core;
using Loos.Edge.Modules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Forwarding;

/// <summary>Registers the forwarder.</summary>
public static class ForwarderServiceCollectionExtensions
{
    /// <summary>
    /// Adds the forwarding loops (one per target in <see cref="ForwarderOptions"/>, checked by <see cref="ForwarderOptionsValidator"/>) and
    /// <see cref="IForwarderMonitor"/>. Needs <see cref="IReadingLog"/>, <see cref="ISeriesCatalog"/>,
    /// <see cref="TimeProvider"/> and logging from the container; the host binds <see cref="ForwarderOptions"/>
    /// from the <c>forwarder</c> section and sets <see cref="ForwarderOptions.DeadLetterDirectory"/>.
    /// </summary>
    public static IServiceCollection AddForwarding(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ForwarderOptions>().ValidateWith(ForwarderOptionsValidator.Check).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider =>
        {
            var monitor = new ForwarderMonitor();
            // Every configured target shows in health from the start, before its first write.
            foreach (var target in provider.GetRequiredService<IOptions<ForwarderOptions>>().Value.Targets)
            {
                monitor.GetOrAdd(target.Name, DescribeEndpoint(target));
            }

            return monitor;
        });
        services.TryAddSingleton<IForwarderMonitor>(provider => provider.GetRequiredService<ForwarderMonitor>());
        services.AddSingleton<ForwarderService>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<ForwarderService>());
        services.AddSingleton<ILoopProgressSource>(provider => provider.GetRequiredService<ForwarderService>());
        return services;
    }

    /// <summary>The write URL as health shows it: no credentials ever sit in it.</summary>
    internal static string DescribeEndpoint(TargetOptions target)
    {
        try
        {
            return InfluxWriter.BuildWriteUri(target).ToString();
        }
        catch (UriFormatException)
        {
            return target.Url;
        }
    }
}
