using Loos.Edge.Core;
using Loos.Edge.Core.Clock;
using System.Net;
using System.Text.Json.Serialization;
using Loos.Edge.Core.LineProtocol;
using Loos.Edge.Modules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Http;

/// <summary>Wires the write listener and the health endpoint into an ASP.NET Core host.</summary>
public static class GatewayHttpExtensions
{
    /// <summary>
    /// Binds <see cref="ListenerOptions"/> (section <c>listener</c>) and <see cref="HealthOptions"/> (section
    /// <c>health</c>) from <paramref name="configuration"/>, validated at start by the same validators as the site file,
    /// and adds the write listener's services (<see cref="AddWriteListener"/>): for a host of its own that serves the
    /// listener and health. The write listener also needs an <see cref="IReadingSink"/>; the health endpoint an
    /// <see cref="IBufferMonitor"/> and an <see cref="IForwarderMonitor"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddGatewayHttp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ListenerOptions>().Bind(configuration.GetSection(ListenerOptions.SectionName)).ValidateWith(ListenerOptionsValidator.Check).ValidateOnStart();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.SectionName))
            .ValidateWith<HealthOptions, IOptions<ListenerOptions>>((health, listener) => HealthOptionsValidator.Check(health, listener.Value)).ValidateOnStart();
        return services.AddWriteListener();
    }

    /// <summary>
    /// Adds the write listener's services: the line-protocol parser over the <see cref="ISeriesCatalog"/> in DI, the
    /// receive-time stamper, and <see cref="TimeProvider.System"/> unless a time provider is registered already.
    /// Needs <see cref="IOptions{ListenerOptions}"/>.
    /// </summary>
    public static IServiceCollection AddWriteListener(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new LineProtocolParser(provider.GetRequiredService<ISeriesCatalog>()));
        services.TryAddSingleton(provider => ReceiveTimeStamper.For(provider.GetRequiredService<ISeriesCatalog>()));
        services.TryAddSingleton<WriteHandler>();
        return services;
    }

    /// <summary>Makes Kestrel listen on <paramref name="endpoint"/> too; each module serving HTTP names its own.</summary>
    public static IWebHostBuilder ListenOn(this IWebHostBuilder builder, IPEndPoint endpoint) =>
        builder.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endpoint);
        });

    /// <summary>
    /// Makes Kestrel listen on the health address and, when the listener is enabled, on the write address (and on
    /// nothing else).
    /// </summary>
    /// <exception cref="FormatException">An address is not host:port; the message names its key.</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IWebHostBuilder ConfigureGatewayEndpoints(this IWebHostBuilder builder, ListenerOptions listener, HealthOptions health)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(health);
        var healthEndpoint = EndpointAddress.Parse(health.Address, "health:address");
        var writeEndpoint = listener.Enabled ? EndpointAddress.Parse(listener.Address, "listener:address") : null;
        if (writeEndpoint is not null && writeEndpoint.Port == healthEndpoint.Port)
        {
            throw new FormatException($"health:address '{health.Address}' uses the port of listener:address '{listener.Address}'; give each its own port.");
        }

        builder.ListenOn(healthEndpoint);
        return writeEndpoint is null ? builder : builder.ListenOn(writeEndpoint);
    }

    /// <summary>
    /// Maps <c>POST /api/v2/write</c>, <c>POST /write</c> and <c>GET /ping</c>, served only on the port of
    /// <see cref="ListenerOptions.Address"/>; maps nothing when the listener is disabled.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is null.</exception>
    public static RouteGroupBuilder MapWriteListener(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ListenerOptions>>().Value;
        var group = endpoints.MapGroup(string.Empty);
        if (!options.Enabled)
        {
            return group;
        }

        group.AddEndpointFilter(new LocalPortFilter(EndpointAddress.Parse(options.Address, "listener:address").Port));
        group.MapPost("/api/v2/write", ([FromServices] WriteHandler handler, HttpContext context) => handler.HandleAsync(context, WriteApi.V2));
        group.MapPost("/write", ([FromServices] WriteHandler handler, HttpContext context) => handler.HandleAsync(context, WriteApi.V1));

        // InfluxDB clients probe /ping before writing; it answers 204 as InfluxDB does.
        group.MapMethods("/ping", [HttpMethods.Get, HttpMethods.Head], () => TypedResults.NoContent());
        return group;
    }

    /// <summary>Maps <c>GET /health</c> (the <see cref="HealthReport"/> as JSON), served only on the port of <see cref="HealthOptions.Address"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is null.</exception>
    public static RouteHandlerBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<HealthOptions>>().Value;
        var port = EndpointAddress.Parse(options.Address, "health:address").Port;
        return endpoints
            .MapGet("/health", ([FromServices] IBufferMonitor buffer, [FromServices] IForwarderMonitor forwarder, [FromServices] IEnumerable<IDeviceMonitor> devices, [FromServices] IEnumerable<IClockMonitor> clock, [FromServices] TimeProvider time) =>
                TypedResults.Json(
                    HealthReport.Create(buffer.GetStatistics(), forwarder.GetTargets(), time.GetUtcNow(), [.. devices.SelectMany(d => d.GetDevices())], clock.FirstOrDefault()?.GetClockStatus()),
                    HealthJsonContext.Default.HealthReport))
            .AddEndpointFilter(new LocalPortFilter(port));
    }

    /// <summary>
    /// A group for the gateway's management endpoints (overrides, commands a technician gives the running gateway),
    /// served only on the port of <see cref="HealthOptions.Address"/>, and only to callers on the gateway itself (403
    /// otherwise), even when health is served on the network: the crew and central tools use the MQTT topics instead.
    /// A module maps its own endpoints into it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is null.</exception>
    public static RouteGroupBuilder MapManagement(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<HealthOptions>>().Value;
        var group = endpoints.MapGroup(string.Empty);
        group.AddEndpointFilter(new LocalPortFilter(EndpointAddress.Parse(options.Address, "health:address").Port));
        group.AddEndpointFilter(new LoopbackCallerFilter());
        return group;
    }

    /// <summary>Answers 403 to a caller that is not on the gateway itself.</summary>
    private sealed class LoopbackCallerFilter : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
            context.HttpContext.Connection.RemoteIpAddress is { } caller && IPAddress.IsLoopback(caller)
                ? next(context)
                : ValueTask.FromResult<object?>(Refusal);

        // Written through a generated serialiser: the release has no reflection-based JSON.
        private static readonly JsonHttpResult<ProblemDetails> Refusal = TypedResults.Json(
            new ProblemDetails
            {
                Title = "Forbidden",
                Status = StatusCodes.Status403Forbidden,
                Detail = "management endpoints answer only on the gateway itself (loopback)",
            },
            ManagementJsonContext.Default.ProblemDetails,
            "application/problem+json",
            StatusCodes.Status403Forbidden);
    }

    /// <summary>Answers 404 on any port but its own, so neither API is reachable through the other's address.</summary>
    private sealed class LocalPortFilter(int port) : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
            context.HttpContext.Connection.LocalPort == port ? next(context) : ValueTask.FromResult<object?>(TypedResults.NotFound());
    }
}

[JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class ManagementJsonContext : JsonSerializerContext;
