using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Loos.Edge.Forwarding;

/// <summary>Sends line protocol to one target over its own pooled connections; failures come back as values.</summary>
internal sealed class InfluxWriter : IDisposable
{
    // Server messages are one line in the health output and the dead-letter file; InfluxDB's are far shorter.
    private const int MaxMessageChars = 1000;

    private readonly TargetOptions options;
    private readonly TimeProvider timeProvider;
    private readonly HttpClient http;
    private readonly MemoryStream compressed = new();
    private AuthenticationHeaderValue? authorization;
    private string? credentialProblem;

    public InfluxWriter(TargetOptions options, TimeProvider timeProvider)
    {
        this.options = options;
        this.timeProvider = timeProvider;
        WriteUri = BuildWriteUri(options);
        http = new HttpClient(new SocketsHttpHandler
        {
            // Re-resolve DNS now and then, so a moved server is found without a restart.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.Timeout,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            // Each write has its own timeout through a cancellation token driven by the TimeProvider.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        ReloadCredentials();
    }

    /// <summary>Where writes go; holds no credentials.</summary>
    public Uri WriteUri { get; }

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
        using var request = new HttpRequestMessage(HttpMethod.Post, WriteUri) { Content = CreateContent(body) };
        request.Headers.Authorization = authorization;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            if (response.IsSuccessStatusCode)
            {
                return WriteResult.Success;
            }

            var message = await ReadMessageAsync(response, linked.Token);
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
            return new WriteResult(WriteOutcome.Transient, null, Describe(exception));
        }
    }

    public void Dispose()
    {
        http.Dispose();
        compressed.Dispose();
    }

    private static string Describe(Exception exception)
    {
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
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private HttpContent CreateContent(ReadOnlyMemory<byte> body)
    {
        HttpContent content;
        if (options.Gzip)
        {
            compressed.SetLength(0);
            // Fastest: a Raspberry Pi's CPU is the scarcer resource; line protocol still shrinks about tenfold.
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(body.Span);
            }

            content = new ReadOnlyMemoryContent(compressed.GetBuffer().AsMemory(0, (int)compressed.Length));
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new ReadOnlyMemoryContent(body);
        }

        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        return content;
    }
}
