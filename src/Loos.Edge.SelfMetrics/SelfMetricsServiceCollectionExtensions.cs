using Loos.Edge.Core;
using Loos.Edge.Core.Clock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.SelfMetrics;

/// <summary>What the self-metrics need from the site file.</summary>
/// <param name="Site">The site's name, written as the tag <c>site</c>.</param>
/// <param name="Interval">How often a point is written.</param>
/// <param name="StateFile">Where the counters' totals are kept across restarts.</param>
/// <param name="StateWriteInterval">
/// How often at most the totals are written while running (<c>buffer:checkpointInterval</c>); always at a clean stop.
/// Zero: before every point.
/// </param>
public sealed record SelfMetricsSettings(string Site, TimeSpan Interval, string StateFile, TimeSpan StateWriteInterval = default);

/// <summary>Registers the self-metrics.</summary>
public static class SelfMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the hosted service that writes the gateway's own state through the <see cref="IReadingSink"/> every
    /// <see cref="SelfMetricsSettings.Interval"/>. Needs <see cref="IBufferMonitor"/>, <see cref="IReadingSink"/>,
    /// <see cref="ISeriesCatalog"/> and a <see cref="TimeProvider"/>; reads the <see cref="IForwarderMonitor"/>, every
    /// <see cref="IDeviceMonitor"/> and the <see cref="IBrokerConnectionMonitor"/> when they are registered.
    /// </summary>
    public static IServiceCollection AddSelfMetrics(this IServiceCollection services, SelfMetricsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);

        // The site's view of the clock (the clock module registers it); the clock gate's state answers first when there is one.
        services.AddSingleton<IHostedService>(provider => new SelfMetricsService(
            settings,
            new SelfMetricsSources(
                provider.GetRequiredService<IBufferMonitor>(),
                provider.GetService<IForwarderMonitor>(),
                [.. provider.GetServices<IDeviceMonitor>()],
                provider.GetService<IBrokerConnectionMonitor>(),
                provider.GetService<IClockTrust>() ?? new SystemClockTrust(),
                ProcessUsage.Current,
                provider.GetService<IClockMonitor>()),
            provider.GetRequiredService<IReadingSink>(),
            provider.GetRequiredService<ISeriesCatalog>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<SelfMetricsService>>()));
        return services;
    }
}
