using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Core.Clock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Forwarding.Clock;

/// <summary>Registers the clock gate.</summary>
public static class ClockServiceCollectionExtensions
{
    /// <summary>
    /// Puts the clock gate between the sources and the durable buffer: <see cref="IReadingSink"/> becomes the gate, which
    /// holds back readings stamped by an unsynchronised clock (<paramref name="trust"/>) and releases them corrected.
    /// Registers <see cref="IClockMonitor"/> and <paramref name="trust"/> as the site's <see cref="IClockTrust"/>. Needs <see cref="IDurableBuffer"/> and <see cref="BufferOptions"/>; call after
    /// <c>AddDurableBuffer</c>. <paramref name="bootId"/> is <see cref="BootId.Current"/> unless a test says otherwise.
    /// </summary>
    public static IServiceCollection AddClockGate(this IServiceCollection services, IClockTrust trust, Guid bootId)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(trust);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(trust);
        services.AddSingleton(provider =>
        {
            var bufferOptions = provider.GetRequiredService<IOptions<BufferOptions>>().Value;
            var held = new BufferOptions
            {
                Directory = Path.Combine(bufferOptions.Directory, ClockGate.HeldFolder),
                CapBytes = bufferOptions.CapBytes,
                SegmentBytes = bufferOptions.SegmentBytes,
                MaxCommitDelay = bufferOptions.MaxCommitDelay,
                SyncInterval = bufferOptions.SyncInterval,
                EvictWhenFull = bufferOptions.EvictWhenFull,
            };
            var settings = new ClockGateSettings(held, Path.Combine(bufferOptions.Directory, ClockGate.SetAsideFileName), SetAsideMaxBytes: 16L << 20);
            return new ClockGate(
                provider.GetRequiredService<IDurableBuffer>(),
                trust,
                settings,
                provider.GetRequiredService<ISeriesCatalog>(),
                provider.GetRequiredService<TimeProvider>(),
                bootId,
                provider.GetRequiredService<ILoggerFactory>().CreateLogger("Loos.Edge.Clock"));
        });
        services.Replace(ServiceDescriptor.Singleton<IReadingSink>(static provider => provider.GetRequiredService<ClockGate>()));
        services.TryAddSingleton<IClockMonitor>(static provider => provider.GetRequiredService<ClockGate>());
        services.AddSingleton<IHostedService, ClockGateService>();
        return services;
    }
}
