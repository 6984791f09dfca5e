using Loos.Edge.Core;
using Loos.Edge.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Http.Tests;

/// <summary>A real Kestrel on two free loopback ports, wired the way the gateway host wires it.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private WebApplication? app;

    private GatewayHost()
    {
    }

    public int ListenerPort { get; private set; }

    public int HealthPort { get; private set; }

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public SeriesCatalog Catalog { get; } = new();

    public RecordingSink Sink { get; } = new();

    public TestBufferMonitor Buffer { get; } = new();

    public TestForwarderMonitor Forwarder { get; } = new();

    public FakeTimeProvider Time { get; } = new(Now);

    /// <summary>Every log entry from Information up, ASP.NET Core's from Warning up as in the gateway.</summary>
    public LogCapture Logs { get; } = new();

    public Uri ListenerUri(string pathAndQuery) => new($"http://127.0.0.1:{ListenerPort}{pathAndQuery}");

    public Uri HealthUri(string pathAndQuery) => new($"http://127.0.0.1:{HealthPort}{pathAndQuery}");

    /// <summary>Starts the host; <paramref name="sink"/> makes the sink that replaces <see cref="Sink"/> (for example a real durable buffer) over <see cref="Catalog"/>.</summary>
    public static async Task<GatewayHost> StartAsync(Action<Dictionary<string, string?>>? configure = null, Func<ISeriesCatalog, IReadingSink>? sink = null)
    {
        var host = new GatewayHost { ListenerPort = FreePort.Next(), HealthPort = FreePort.Next() };
        var settings = new Dictionary<string, string?>
        {
            ["listener:address"] = $"127.0.0.1:{host.ListenerPort}",
            ["health:address"] = $"127.0.0.1:{host.HealthPort}",
        };
        configure?.Invoke(settings);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(host.Logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning); // start-up lines, not under test
        builder.Services.AddSingleton<ISeriesCatalog>(host.Catalog);
        builder.Services.AddSingleton(sink?.Invoke(host.Catalog) ?? host.Sink);
        builder.Services.AddSingleton<IBufferMonitor>(host.Buffer);
        builder.Services.AddSingleton<IForwarderMonitor>(host.Forwarder);
        builder.Services.AddSingleton<TimeProvider>(host.Time);
        builder.Services.AddGatewayHttp(builder.Configuration);
        builder.WebHost.ConfigureGatewayEndpoints(
            builder.Configuration.GetSection(ListenerOptions.SectionName).Get<ListenerOptions>() ?? new ListenerOptions(),
            builder.Configuration.GetSection(HealthOptions.SectionName).Get<HealthOptions>() ?? new HealthOptions());

        host.app = builder.Build();
        host.app.MapWriteListener();
        host.app.MapHealth();
        await host.app.StartAsync();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

/// <summary>Keeps every log entry with its level and category.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Category, string Message)> entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries => [.. entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture.entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? string.Empty : Environment.NewLine + exception)));
    }
}
