using Loos.Edge.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Forwarding.Tests.Support;

/// <summary>The forwarder as the host wires it, over an in-memory buffer, with a temporary dead-letter directory.</summary>
public sealed class ForwarderHost : IAsyncDisposable
{
    private readonly ServiceProvider provider;
    private readonly List<IHostedService> services;

    public ForwarderHost(ISeriesCatalog catalog, InMemoryReadingLog log, params TargetOptions[] targets)
        : this(catalog, log, null, null, targets)
    {
    }

    /// <summary>The forwarder on <paramref name="timeProvider"/> (the system's when null), logging to <paramref name="loggerFactory"/> (nowhere when null).</summary>
    public ForwarderHost(ISeriesCatalog catalog, InMemoryReadingLog log, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, params TargetOptions[] targets)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("loos-edge-forwarder-").FullName;
        var collection = new ServiceCollection();
        collection.AddSingleton(loggerFactory ?? NullLoggerFactory.Instance);
        if (timeProvider is not null)
        {
            collection.AddSingleton(timeProvider);
        }

        collection.AddSingleton(catalog);
        collection.AddSingleton<IReadingLog>(log);
        collection.Configure<ForwarderOptions>(options =>
        {
            options.Targets.AddRange(targets);
            options.DeadLetterDirectory = Directory;
        });
        collection.AddForwarding();
        provider = collection.BuildServiceProvider();
        Monitor = provider.GetRequiredService<IForwarderMonitor>();
        services = [.. provider.GetServices<IHostedService>()];
    }

    public string Directory { get; }

    public IForwarderMonitor Monitor { get; }

    public TargetStatus Status(string name) => Monitor.GetTargets().Single(t => t.Name == name);

    public string DeadLetterFile(string name) => Path.Combine(Directory, $"dead-letter-{name}.lp");

    public async Task StartAsync()
    {
        foreach (var service in services)
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    public async Task StopAsync()
    {
        foreach (var service in services)
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await provider.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(20);
        }
    }
}
