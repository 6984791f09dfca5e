using Loos.Edge.Core;
using Loos.Edge.Modules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Buffer;

/// <summary>Registers the durable buffer.</summary>
public static class BufferServiceCollectionExtensions
{
    /// <summary>
    /// Registers one durable buffer serving <see cref="IReadingSink"/>, <see cref="IReadingLog"/>,
    /// <see cref="IBufferMonitor"/>, <see cref="IDurableBuffer"/> and the writer loop to the watchdog (<see cref="ILoopProgressSource"/>). The host binds <see cref="BufferOptions"/>
    /// (section <c>buffer</c>, checked by <see cref="BufferOptionsValidator"/>) and provides <see cref="ISeriesCatalog"/>.
    /// </summary>
    public static IServiceCollection AddDurableBuffer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BufferOptions>().ValidateWith(BufferOptionsValidator.Check).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDurableBuffer>(static provider => DurableBuffer.Open(
            provider.GetRequiredService<IOptions<BufferOptions>>().Value,
            provider.GetRequiredService<ISeriesCatalog>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger("Loos.Edge.Buffer") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        services.TryAddSingleton<IReadingSink>(static provider => provider.GetRequiredService<IDurableBuffer>());
        services.TryAddSingleton<IReadingLog>(static provider => provider.GetRequiredService<IDurableBuffer>());
        services.TryAddSingleton<IBufferMonitor>(static provider => provider.GetRequiredService<IDurableBuffer>());
        services.AddSingleton<ILoopProgressSource>(static provider => provider.GetRequiredService<IDurableBuffer>());
        return services;
    }
}
