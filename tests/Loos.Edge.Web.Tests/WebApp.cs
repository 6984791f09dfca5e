using System.Collections.Concurrent;
using System.Net;
using Loos.Edge.SiteFiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Web.Tests;

/// <summary>The web host of the fixture's site file on an in-memory server, with every log line it writes kept.</summary>
public sealed class WebApp : IAsyncDisposable
{
    private readonly WebApplication app;

    private WebApp(WebApplication app, HttpClient client, ConcurrentQueue<string> logs, FakeTimeProvider? time)
    {
        this.app = app;
        Client = client;
        Logs = logs;
        Time = time;
    }

    public HttpClient Client { get; }

    /// <summary>Every line logged, whatever its level or category.</summary>
    public ConcurrentQueue<string> Logs { get; }

    public FakeTimeProvider? Time { get; }

    public static async Task<WebApp> StartAsync(string siteFile, FakeTimeProvider? time = null)
    {
        var logs = new ConcurrentQueue<string>();
        var app = WebHost.Build(SiteConfiguration.Load(siteFile), builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Logging.AddProvider(new KeptLogs(logs));
            if (time is not null)
            {
                builder.Services.AddSingleton<TimeProvider>(time);
            }
        });
        await app.StartAsync();
        return new WebApp(app, app.GetTestClient(), logs, time);
    }

    /// <summary>GET <paramref name="path"/> (the body HTML-decoded), with <paramref name="cookie"/> as the Cookie header and any extra headers.</summary>
    public async Task<(HttpResponseMessage Response, string Body)> GetAsync(string path, string? cookie = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        // The body as a reader sees it: character references (&#xA0;, &#x27;) decoded, so that text searches find it.
        var response = await Client.SendAsync(request);
        return (response, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>The tenant page of <paramref name="secret"/> as a browser gets it: the link, then the page with the cookie it set.</summary>
    public async Task<string> OpenLinkAsync(string secret)
    {
        var (exchange, _) = await GetAsync($"/h/{secret}");
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        var cookie = exchange.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var (page, body) = await GetAsync("/maison", cookie);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed class KeptLogs(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private void Add(string line) => lines.Enqueue(line);

        private sealed class Logger(KeptLogs provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Add($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
