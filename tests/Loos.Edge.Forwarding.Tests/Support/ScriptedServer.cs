using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Loos.Edge.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Forwarding.Tests.Support;

/// <summary>A request the scripted server received.</summary>
public sealed record ReceivedRequest(TimeSpan At, string PathAndQuery, string? Authorization, string? ContentEncoding, string Body);

/// <summary>A scripted answer: status, body and headers, sent after <paramref name="Delay"/> (none by default).</summary>
public sealed record ScriptedResponse(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null, TimeSpan? Delay = null);

/// <summary>
/// A Kestrel server on 127.0.0.1 (https with a certificate when given one) that answers writes with scripted
/// responses (204 once the script runs out, or per line through a rule) and <c>GET /ping</c> with
/// <see cref="PingStatus"/>, recording every request with its arrival time.
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ScriptedResponse> script = new();
    private readonly ConcurrentQueue<ReceivedRequest> received = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();

    private readonly ConcurrentQueue<TimeSpan> pings = new();

    private ScriptedServer(WebApplication app, int port, bool https)
    {
        this.app = app;
        Url = new Uri($"{(https ? "https" : "http")}://127.0.0.1:{port}");
        Port = port;
        app.MapPost("/{**path}", HandleAsync);
        app.MapGet("/ping", context =>
        {
            pings.Enqueue(clock.Elapsed);
            context.Response.StatusCode = PingStatus;
            return Task.CompletedTask;
        });
    }

    public int Port { get; }

    /// <summary>The status <c>GET /ping</c> answers; 204 (InfluxDB's) by default.</summary>
    public int PingStatus { get; set; } = 204;

    /// <summary>When each <c>GET /ping</c> arrived.</summary>
    public IReadOnlyList<TimeSpan> Pings => [.. pings];

    public Uri Url { get; }

    /// <summary>Answers a request from all of it (headers included) when the script is empty; <see cref="Rule"/> when null.</summary>
    public Func<ReceivedRequest, ScriptedResponse>? RequestRule { get; set; }

    /// <summary>Answers a request from its body when the script is empty; 204 when null.</summary>
    public Func<string, ScriptedResponse>? Rule { get; set; }

    public IReadOnlyList<ReceivedRequest> Received => [.. received];

    public static async Task<ScriptedServer> StartAsync(X509Certificate2? certificate = null)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, port, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var server = new ScriptedServer(builder.Build(), port, certificate is not null);
        await server.app.StartAsync();
        return server;
    }

    public void Enqueue(params ScriptedResponse[] responses)
    {
        foreach (var response in responses)
        {
            script.Enqueue(response);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var at = clock.Elapsed;
        Stream body = context.Request.Body;
        var encoding = context.Request.Headers.ContentEncoding.ToString();
        if (encoding == "gzip")
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }

        using var reader = new StreamReader(body);
        var text = await reader.ReadToEndAsync();
        var request = new ReceivedRequest(
            at,
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.Authorization.FirstOrDefault(),
            encoding.Length == 0 ? null : encoding,
            text);
        received.Enqueue(request);
        var response = script.TryDequeue(out var next) ? next : RequestRule?.Invoke(request) ?? Rule?.Invoke(text) ?? new ScriptedResponse(204);
        if (response.Delay is { } delay)
        {
            await Task.Delay(delay);
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (response.Body.Length > 0)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.Body);
        }
    }
}
