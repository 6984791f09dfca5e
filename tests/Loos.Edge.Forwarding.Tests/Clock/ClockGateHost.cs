using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Core.Clock;
using Loos.Edge.Forwarding.Clock;
using Loos.Edge.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Forwarding.Tests.Clock;

/// <summary>A clock source a test sets: the NTP client's answer.</summary>
public sealed class SwitchableClockTrust : IClockTrust
{
    private volatile bool synchronised;

    public bool Synchronised
    {
        get => synchronised;
        set => synchronised = value;
    }

    public string? WhyNotTrusted() => synchronised ? null : "the test's NTP client has not synchronised the clock yet";
}

/// <summary>
/// The gateway's data path as the host wires it: the durable buffer in <paramref name="directory"/>, the clock gate on
/// <paramref name="trust"/> and <paramref name="bootId"/>, and the forwarder to influxd, all on <paramref name="clock"/>.
/// </summary>
public sealed class ClockGateHost : IAsyncDisposable
{
    private readonly ServiceProvider provider;
    private readonly List<IHostedService> services;

    public ClockGateHost(string directory, SeriesCatalog catalog, TimeProvider clock, IClockTrust trust, Guid bootId, InfluxdServer influxd)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        collection.AddSingleton(clock);
        collection.AddSingleton<ISeriesCatalog>(catalog);
        collection.Configure<BufferOptions>(options => options.Directory = directory);
        collection.AddDurableBuffer();
        collection.AddClockGate(trust, bootId);
        collection.Configure<ForwarderOptions>(options =>
        {
            options.DeadLetterDirectory = directory;
            options.Targets.Add(new TargetOptions
            {
                Name = "central",
                Api = InfluxApi.V1,
                Url = influxd.Url.ToString(),
                Database = "site",
                BatchMaxAge = TimeSpan.FromMilliseconds(50),
                InitialRetryDelay = TimeSpan.FromMilliseconds(50),
                MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            });
        });
        collection.AddForwarding();
        provider = collection.BuildServiceProvider();
        services = [.. provider.GetServices<IHostedService>()];
        Sink = provider.GetRequiredService<IReadingSink>();
        Clock = provider.GetRequiredService<IClockMonitor>();
    }

    public IReadingSink Sink { get; }

    public IClockMonitor Clock { get; }

    public async Task StartAsync()
    {
        foreach (var service in services)
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            await services[i].StopAsync(CancellationToken.None);
        }

        await provider.DisposeAsync();
    }
}
