using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using Loos.Edge.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Forwarding.Tests.Support;

/// <summary>A request the scripted server received.</summary>
public sealed record ReceivedRequest(TimeSpan At, string PathAndQuery, string? Authorization, string? ContentEncoding, string Body);

/// <summary>A scripted answer: status, body and headers.</summary>
public sealed record ScriptedResponse(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A Kestrel server on 127.0.0.1 that answers writes with scripted responses (204 once the script runs out, or
/// per line through a rule), recording every request with its arrival time.
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ScriptedResponse> script = new();
    private readonly ConcurrentQueue<ReceivedRequest> received = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();

    private ScriptedServer(WebApplication app, int port)
    {
        this.app = app;
        Url = new Uri($"http://127.0.0.1:{port}");
        app.MapPost("/{**path}", HandleAsync);
    }

    public Uri Url { get; }

    /// <summary>Answers a request from its body when the script is empty; 204 when null.</summary>
    public Func<string, ScriptedResponse>? Rule { get; set; }

    public IReadOnlyList<ReceivedRequest> Received => [.. received];

    public static async Task<ScriptedServer> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, port));
        var server = new ScriptedServer(builder.Build(), port);
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
        received.Enqueue(new ReceivedRequest(
            at,
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.Authorization.FirstOrDefault(),
            encoding.Length == 0 ? null : encoding,
            text));
        var response = script.TryDequeue(out var next) ? next : Rule?.Invoke(text) ?? new ScriptedResponse(204);
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
