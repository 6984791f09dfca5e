using Loos.Edge.Core;
using Loos.Edge.Modules;
using Loos.Edge.Polling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Modbus.Polling;

/// <summary>Registers Modbus polling.</summary>
public static class ModbusPollingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the hosted service that polls every bus of <paramref name="options"/> (checked at start by
    /// <see cref="ModbusOptionsValidator"/>) into the <see cref="Core.IReadingSink"/>. Needs
    /// <see cref="Core.IReadingSink"/>, <see cref="Core.ISeriesCatalog"/> and logging from the container; adds
    /// <see cref="TimeProvider.System"/> and the real <see cref="IModbusClientFactory"/> unless already registered.
    /// </summary>
    public static IServiceCollection AddModbusPolling(this IServiceCollection services, ModbusOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddOptionsInstance(options).ValidateWith(ModbusOptionsValidator.Check).ValidateOnStart();
        services.AddPolledSource(provider => ActivatorUtilities.CreateInstance<ModbusPollingService>(provider, options));
        services.TryAddSingleton<IModbusClientFactory>(provider =>
            new ModbusClientFactory(provider.GetRequiredService<ILoggerFactory>(), provider.GetRequiredService<TimeProvider>()));
        return services;
    }
}
