using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Loos.Edge.Forwarding;

/// <summary>Sends line protocol to one target over its own pooled connections; failures come back as values.</summary>
internal sealed class InfluxWriter : IDisposable
{
    // Server messages are one line in the health output and the dead-letter file; InfluxDB's are far shorter.
    private const int MaxMessageChars = 1000;

    // A probe only asks whether the server answers: a network that swallows it must not hold back the next one long.
    private static readonly TimeSpan MaxProbeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryAfterDateMargin = TimeSpan.FromMilliseconds(10);

    private readonly TargetOptions options;
    private readonly TimeProvider timeProvider;
    private readonly HttpClient http;
    private readonly MemoryStream compressed = new();
    private AuthenticationHeaderValue? authorization;
    private string[] secrets = [];
    private string? credentialProblem;

    public InfluxWriter(TargetOptions options, TimeProvider timeProvider)
    {
        this.options = options;
        this.timeProvider = timeProvider;
        WriteUri = BuildWriteUri(options);
        PingUri = new Uri(options.Url.TrimEnd('/') + "/ping");
        http = new HttpClient(new SocketsHttpHandler
        {
            // Re-resolve DNS now and then, so a moved server is found without a restart.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.Timeout,
            AutomaticDecompression = DecompressionMethods.None,
            SslOptions = CreateSslOptions(options.CaFile),
        })
        {
            // Each write has its own timeout through a cancellation token driven by the TimeProvider.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        ReloadCredentials();
    }

    /// <summary>Where writes go; holds no credentials.</summary>
    public Uri WriteUri { get; }

    /// <summary>InfluxDB's health probe, <c>GET /ping</c> (1.x, 2.x and VictoriaMetrics answer 204).</summary>
    public Uri PingUri { get; }

    /// <summary>The write URL of <paramref name="options"/>, with precision=ns (the encoder's) and no credentials.</summary>
    /// <exception cref="UriFormatException">The base URL is not valid.</exception>
    public static Uri BuildWriteUri(TargetOptions options)
    {
        var baseUrl = options.Url.TrimEnd('/');
        return options.Api == InfluxApi.V2
            ? new Uri($"{baseUrl}/api/v2/write?org={Uri.EscapeDataString(options.Org ?? string.Empty)}&bucket={Uri.EscapeDataString(options.Bucket ?? string.Empty)}&precision=ns")
            : new Uri($"{baseUrl}/write?db={Uri.EscapeDataString(options.Database ?? string.Empty)}"
                + (string.IsNullOrEmpty(options.RetentionPolicy) ? string.Empty : "&rp=" + Uri.EscapeDataString(options.RetentionPolicy))
                + "&precision=ns");
    }

    /// <summary>Reads the token or password file again, after the server refused the previous one.</summary>
    public void ReloadCredentials()
    {
        credentialProblem = null;
        try
        {
            authorization = InfluxCredentials.Read(options);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            authorization = null;
            credentialProblem = $"cannot read the credentials file: {exception.Message}";
        }

        // The header's value (a token, or user:password in base64) and what it encodes: none may reach a log.
        secrets = authorization?.Parameter is not { Length: > 0 } parameter
            ? []
            : authorization.Scheme == "Basic" ? [parameter, .. DecodeBasicPassword(parameter)] : [parameter];
    }

    /// <summary>
    /// Asks <see cref="PingUri"/> whether the server answers: null when it does (any answer below 500 but 429: a store
    /// without <c>/ping</c> still takes writes), else the failure as <see cref="WriteOutcome.Unreachable"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<WriteResult?> ProbeAsync(CancellationToken cancellationToken)
    {
        var limit = options.Timeout < MaxProbeTimeout ? options.Timeout : MaxProbeTimeout;
        using var timeout = new CancellationTokenSource(limit, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            using var response = await http.GetAsync(PingUri, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            return status < 500 && status != 429
                ? null
                : new WriteResult(WriteOutcome.Unreachable, status, Redact($"probe {PingUri.AbsolutePath}: {response.ReasonPhrase}"));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WriteResult(WriteOutcome.Unreachable, null, $"probe {PingUri.AbsolutePath}: no answer within {limit.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException exception)
        {
            return new WriteResult(WriteOutcome.Unreachable, null, Redact($"probe {PingUri.AbsolutePath}: {Describe(exception)}"));
        }
    }

    /// <summary>Writes <paramref name="body"/>; never throws for a network or server failure.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<WriteResult> WriteAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (credentialProblem is not null)
        {
            return new WriteResult(WriteOutcome.Unauthorized, null, credentialProblem);
        }

        using var timeout = new CancellationTokenSource(options.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var content = CreateContent(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, WriteUri) { Content = content };
        request.Headers.Authorization = authorization;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            if (response.IsSuccessStatusCode)
            {
                // A server (or proxy) that stopped reading and answered anyway has not stored what it did not read.
                // SocketsHttpHandler over HTTP/1.1 hands back no answer before the body is sent (it waits, or the
                // send fails when the server closes); over HTTP/2 it would, so this holds whatever the protocol.
                return content.Completed
                    ? WriteResult.Success
                    : new WriteResult(WriteOutcome.Transient, (int)response.StatusCode, "answered before the whole body was sent");
            }

            var message = Redact(await ReadMessageAsync(response, linked.Token));
            var status = (int)response.StatusCode;
            return status switch
            {
                400 or 422 => new WriteResult(WriteOutcome.Rejected, status, message),
                413 => new WriteResult(WriteOutcome.TooLarge, status, message),
                401 or 403 => new WriteResult(WriteOutcome.Unauthorized, status, message),
                429 or 503 => new WriteResult(WriteOutcome.Transient, status, message, GetRetryAfter(response)),
                _ => new WriteResult(WriteOutcome.Transient, status, message),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WriteResult(WriteOutcome.Transient, null, $"no answer within {options.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException exception)
        {
            // No connection at all is cheap to find again; a connection lost mid-write cost the server a body.
            var outcome = exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError
                ? WriteOutcome.Unreachable
                : WriteOutcome.Transient;
            return new WriteResult(outcome, null, Redact(Describe(exception)));
        }
    }

    public void Dispose()
    {
        http.Dispose();
        compressed.Dispose();
    }

    private static IEnumerable<string> DecodeBasicPassword(string parameter)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
        }
        catch (FormatException)
        {
            yield break;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && colon < decoded.Length - 1)
        {
            yield return decoded[(colon + 1)..];
        }
    }

    /// <summary>
    /// Trust only the certificate authorities in <paramref name="caFile"/> (when set): a private CA, without trusting
    /// it system-wide. The host name is still checked by the TLS stack; private CAs rarely publish revocation lists.
    /// </summary>
    private static SslClientAuthenticationOptions? CreateSslOptions(string? caFile)
    {
        if (string.IsNullOrEmpty(caFile))
        {
            return null;
        }

        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(authorities);
        return new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
    }

    /// <summary><paramref name="text"/> with every secret of the target replaced: servers and proxies may echo a request back.</summary>
    private string Redact(string text)
    {
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, "[secret]", StringComparison.Ordinal);
        }

        return text;
    }

    private static string Describe(Exception exception)
    {
        if (exception is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError, InnerException: { } tls })
        {
            // The outer message only says to look inside.
            return $"TLS: {Describe(tls)} (the server's certificate must chain to the caFile's authorities, or the system's, and name the url's host)";
        }

        var text = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += " (" + inner.Message + ")";
        }

        return text;
    }

    private static async Task<string> ReadMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var message = body.Trim();
        try
        {
            // InfluxDB 1.x answers {"error": "…"}, 2.x {"code": "…", "message": "…"}.
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                {
                    message = error.GetString()!;
                }
                else if (document.RootElement.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    message = text.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body itself is the message.
        }

        if (message.Length == 0)
        {
            message = response.ReasonPhrase ?? string.Empty;
        }

        message = message.ReplaceLineEndings(" ");
        return message.Length > MaxMessageChars ? message[..MaxMessageChars] : message;
    }

    private TimeSpan? GetRetryAfter(HttpResponseMessage response)
    {
        // RFC 9110 §10.2.3: Retry-After is either delay-seconds or an HTTP-date.
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            // Timers count on a coarse clock (4 ms steps on Linux) and may end a little early: a few milliseconds more
            // keep the retry from reaching the server before the date it gave.
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait + RetryAfterDateMargin : TimeSpan.Zero;
        }

        return null;
    }

    private SentContent CreateContent(ReadOnlyMemory<byte> body)
    {
        SentContent content;
        if (options.Gzip)
        {
            compressed.SetLength(0);
            // Fastest: a Raspberry Pi's CPU is the scarcer resource; line protocol still shrinks about tenfold.
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(body.Span);
            }

            content = new SentContent(compressed.GetBuffer().AsMemory(0, (int)compressed.Length));
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new SentContent(body);
        }

        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        return content;
    }
}

/// <summary>A request body that knows whether all of it was handed to the connection.</summary>
internal sealed class SentContent(ReadOnlyMemory<byte> body) : HttpContent
{
    /// <summary>True once every byte was written and flushed.</summary>
    public bool Completed { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(body, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        Completed = true;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }
}
