using Loos.Edge.Core;
using Loos.Edge.Modules;
using Loos.Edge.Polling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loos.Edge.MBus.Polling;

/// <summary>Registers M-Bus polling.</summary>
public static class MBusPollingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the hosted service that reads every meter of <paramref name="options"/> (checked at start by
    /// <see cref="MBusOptionsValidator"/>) into the <see cref="IReadingSink"/>, and reports the meters to health as an
    /// <see cref="IDeviceMonitor"/>. Needs <see cref="IReadingSink"/>, <see cref="ISeriesCatalog"/> and logging from
    /// the container; adds <see cref="TimeProvider.System"/> and the serial <see cref="IMBusMeterReaderFactory"/>
    /// unless already registered.
    /// </summary>
    public static IServiceCollection AddMBusPolling(this IServiceCollection services, MBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddOptionsInstance(options).ValidateWith(MBusOptionsValidator.Check).ValidateOnStart();
        services.AddPolledSource(provider => ActivatorUtilities.CreateInstance<MBusPollingService>(provider, options));
        services.TryAddSingleton<IMBusMeterReaderFactory>(provider => new MBusMeterReaderFactory(provider.GetRequiredService<ILoggerFactory>(), provider.GetRequiredService<TimeProvider>()));
        return services;
    }
}
