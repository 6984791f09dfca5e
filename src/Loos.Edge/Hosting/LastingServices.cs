using System.Diagnostics.CodeAnalysis;
using Loos.Edge.Core;
using Loos.Edge.Http;
using Loos.Edge.SiteFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Hosting;

/// <summary>
/// What outlives a reload of the site file: the series catalogue and the services of the modules that say so
/// (<see cref="Modules.GatewayModule.OutlivesReload"/>: the buffer), made once from the file the gateway started with
/// and handed to every host built after a reload. Disposing it closes them (the buffer writes what is pending).
/// </summary>
internal sealed class LastingServices : IAsyncDisposable
{
    private readonly ServiceProvider provider;
    private readonly List<ServiceDescriptor> shared;
    private List<(Type Type, object Instance)>? instances;

    public LastingServices(SiteConfiguration site)
    {
        Site = site;
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddGatewayConsole());
        services.AddSingleton(TimeProvider.System);
        var first = services.Count;
        services.AddSingleton<ISeriesCatalog, SeriesCatalog>();
        foreach (var module in site.Modules.Where(module => module.OutlivesReload))
        {
            module.AddServices(services, site);
        }

        // Only made-once services are shared; open generics (options, logging) are each host's own.
        shared = [.. services.Skip(first).Where(d => d.Lifetime == ServiceLifetime.Singleton && !d.ServiceType.IsGenericTypeDefinition)];
        provider = services.BuildServiceProvider();
    }

    /// <summary>The site file the lasting services were made from.</summary>
    public SiteConfiguration Site { get; }

    /// <summary>The log of the lasting services, for what happens between two hosts (a reload).</summary>
    public ILoggerFactory LoggerFactory => provider.GetRequiredService<ILoggerFactory>();

    /// <summary>
    /// Adds the lasting services to a host's <paramref name="services"/> as instances, made at the first call (the buffer
    /// opens then), so that the host uses them and never disposes them.
    /// </summary>
    /// <exception cref="IOException">The buffer cannot be opened (another gateway holds it, the directory cannot be used).</exception>
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The lasting services are classes and interfaces, whose arrays need no code made at run time.")]
    public void AddTo(IServiceCollection services)
    {
        instances ??= [.. shared.GroupBy(d => d.ServiceType).SelectMany(group => provider.GetServices(group.Key).OfType<object>().Select(instance => (group.Key, instance)))];
        foreach (var (type, instance) in instances)
        {
            services.AddSingleton(type, instance);
        }
    }

    public ValueTask DisposeAsync() => provider.DisposeAsync();
}
