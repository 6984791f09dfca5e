using Loos.Edge.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Loos.Edge.Polling;

/// <summary>Registers a polled source's service the way every polled source is registered.</summary>
public static class PollingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TService"/> (made by <paramref name="create"/>) as a hosted service whose devices show in
    /// health and whose loops the watchdog watches, and <see cref="TimeProvider.System"/> unless a time provider is
    /// registered already.
    /// </summary>
    public static IServiceCollection AddPolledSource<TService>(this IServiceCollection services, Func<IServiceProvider, TService> create)
        where TService : class, IHostedService, IDeviceMonitor, ILoopProgressSource
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(create);
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<TService>());
        services.AddSingleton<IDeviceMonitor>(provider => provider.GetRequiredService<TService>());
        services.AddSingleton<ILoopProgressSource>(provider => provider.GetRequiredService<TService>());
        return services;
    }
}
