using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text.Json.Serialization;
using Loos.Edge.Core;
using Loos.Edge.Core.LineProtocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Http;

/// <summary>Which write API a request came in on: it decides the shape of error bodies.</summary>
internal enum WriteApi
{
    V1,
    V2,
}

/// <summary>
/// Answers one write request: reads the body (gzip or not) within the size limit, parses it whole, appends all its
/// readings in one call and answers 204 only once that call completed, so a 204 means the readings are on disk.
/// </summary>
internal sealed partial class WriteHandler(
    LineProtocolParser parser,
    ReceiveTimeStamper stamper,
    IReadingSink sink,
    TimeProvider timeProvider,
    IOptions<ListenerOptions> options,
    ILogger<WriteHandler> logger)
{
    // RFC 1952 §2.3.1: a gzip member ends with CRC-32 and ISIZE (length mod 2^32), 4 bytes each, little-endian.
    private const int GzipTrailerBytes = 8;

    // The first read is sized from Content-Length when known; otherwise it starts at 64 KiB and doubles.
    private const int InitialBufferBytes = 64 * 1024;

    // A disk freed by the forwarder's deliveries, or by a person, takes writes again within seconds.
    private const int DiskRetryAfterSeconds = 5;

    // Client faults are the client's business, not the operator's: one information line per kind and interval.
    private static readonly TimeSpan ClientFaultLogInterval = TimeSpan.FromMinutes(1);

    private readonly IntervalCounter clientFaults = new(ClientFaultLogInterval, timeProvider);

    // Read once: the options were validated at start, so the file was readable then.
    private readonly ListenerToken? token = ListenerToken.From(options.Value);

    public async Task HandleAsync(HttpContext context, WriteApi api)
    {
        try
        {
            await HandleRequestAsync(context, api);
        }
        catch (BadHttpRequestException exception)
        {
            // Kestrel's verdict on the request itself, thrown from the body read: too slow (408), cut short (400), ...
            // Left unhandled it would be logged as an application error with a stack trace, once per client.
            CountClientFault(exception.StatusCode == StatusCodes.Status408RequestTimeout ? "request timeout (408)" : $"bad request ({exception.StatusCode})", exception.Message);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = exception.StatusCode;
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            CountClientFault("connection aborted", exception.Message);
        }
    }

    private void CountClientFault(string kind, string detail)
    {
        if (clientFaults.Count(kind, out var sinceLastLog))
        {
            LogClientFaults(logger, kind, sinceLastLog, ClientFaultLogInterval, detail);
        }
    }

    private async Task HandleRequestAsync(HttpContext context, WriteApi api)
    {
        var request = context.Request;
        var maxBodyBytes = options.Value.MaxBodyBytes;
        if (token is not null && !token.Authorizes(request))
        {
            await WriteUnauthorizedAsync(context, api);
            return;
        }

        if (!LineProtocolParser.TryParsePrecision(request.Query["precision"].ToString(), out var precision))
        {
            await WriteErrorAsync(context, api, StatusCodes.Status400BadRequest, "invalid", $"precision '{request.Query["precision"]}' is not one of ns, us, ms, s (v1 also n, u, m, h)");
            return;
        }

        var encoding = request.Headers.ContentEncoding.ToString();
        var gzip = string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(context, api, StatusCodes.Status415UnsupportedMediaType, "invalid", $"Content-Encoding '{encoding}' is not supported; send gzip or identity");
            return;
        }

        if (request.ContentLength > maxBodyBytes)
        {
            await WriteTooLargeAsync(context, api, maxBodyBytes);
            return;
        }

        // This handler counts the bytes itself (before and after decompression), so Kestrel's own default limit
        // (about 28.6 MiB) must not cut in first.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        var body = await ReadAsync(request.Body, request.ContentLength, maxBodyBytes, context.RequestAborted);
        try
        {
            if (body.Length > maxBodyBytes)
            {
                await WriteTooLargeAsync(context, api, maxBodyBytes);
                return;
            }

            if (gzip)
            {
                var (decompressed, problem) = await DecompressAsync(body, maxBodyBytes, context.RequestAborted);
                body.Dispose();
                body = decompressed;
                if (problem is not null)
                {
                    await WriteErrorAsync(context, api, StatusCodes.Status400BadRequest, "invalid", problem);
                    return;
                }

                if (body.Length > maxBodyBytes)
                {
                    await WriteTooLargeAsync(context, api, maxBodyBytes);
                    return;
                }
            }

            using var readings = PooledReadings.Rent();
            if (!parser.TryParse(body.Span, precision, ReceiveTimeStamper.Unstamped, readings.List, out var error))
            {
                await WriteErrorAsync(context, api, StatusCodes.Status400BadRequest, "invalid", error.ToString());
                return;
            }

            // Lines without a timestamp take the receive time, kept increasing per series so that none overwrites another.
            stamper.Stamp(readings.Span, timeProvider.GetUtcNow());

            body.Dispose();
            if (readings.List.Count > 0 && !await TryAppendAsync(context, api, readings))
            {
                return;
            }

            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        finally
        {
            body.Dispose();
        }
    }

    private async Task<bool> TryAppendAsync(HttpContext context, WriteApi api, PooledReadings readings)
    {
        var count = readings.List.Count;
        try
        {
            await sink.AppendAsync(readings.AsMemory(), context.RequestAborted);
            return true;
        }
        catch (BufferAppendTooLargeException tooLarge)
        {
            await WriteErrorAsync(context, api, StatusCodes.Status413RequestEntityTooLarge, "request too large", $"the body's {count} readings do not fit in the gateway's buffer: {tooLarge.Message}");
            return false;
        }
        catch (BufferFullException full)
        {
            LogBufferFull(logger, count);
            var seconds = Math.Max(1, (long)Math.Ceiling(full.RetryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await WriteErrorAsync(context, api, StatusCodes.Status503ServiceUnavailable, "unavailable", $"the gateway's buffer is full; retry in {seconds} s");
            return false;
        }
        catch (IOException failure)
        {
            // The gateway's own disk refuses writes (full, read-only, failing): nothing was stored; 507 says so,
            // and a client that retries 5xx tries again later.
            LogDiskFailure(logger, count, failure.Message);
            context.Response.Headers.RetryAfter = DiskRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await WriteErrorAsync(context, api, StatusCodes.Status507InsufficientStorage, "unavailable", $"the gateway cannot write to its disk; retry later: {failure.Message}");
            return false;
        }
    }

    private static async Task<PooledBytes> ReadAsync(Stream source, long? contentLength, long maxBodyBytes, CancellationToken cancellationToken)
    {
        // Reads at most maxBodyBytes + 1 bytes: one more than the limit is enough to know the body is too large.
        var limit = maxBodyBytes + 1;
        var initial = (int)Math.Min(Math.Min(contentLength is > 0 ? contentLength.Value + 1 : InitialBufferBytes, limit), Array.MaxLength);
        var body = new PooledBytes(initial);
        try
        {
            while (body.Length < limit)
            {
                var free = body.FreeSpace((int)Math.Min(limit - body.Length, Array.MaxLength));
                var read = await source.ReadAsync(free, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                body.Advance(read);
            }

            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private static async Task<(PooledBytes Body, string? Problem)> DecompressAsync(PooledBytes compressed, long maxBodyBytes, CancellationToken cancellationToken)
    {
        const string Corrupt = "the gzip body is corrupt or truncated";
        PooledBytes? output = null;
        try
        {
            using (var gzip = new GZipStream(new MemoryStream(compressed.Array, 0, compressed.Length, writable: false), CompressionMode.Decompress))
            {
                output = await ReadAsync(gzip, contentLength: null, maxBodyBytes, cancellationToken);
            }

            if (output.Length > maxBodyBytes)
            {
                return (output, null);
            }

            // GZipStream returns a truncated body without complaint, so check the trailer against what came out.
            if (compressed.Length < GzipTrailerBytes)
            {
                return (output, Corrupt);
            }

            var trailer = compressed.Span[^GzipTrailerBytes..];
            var expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            var expectedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
            if (Crc32.HashToUInt32(output.Span) != expectedCrc || unchecked((uint)output.Length) != expectedLength)
            {
                return (output, $"{Corrupt} (its CRC-32 or length does not match; bodies of several gzip members are not supported)");
            }

            return (output, null);
        }
        catch (InvalidDataException exception)
        {
            output?.Dispose();
            return (new PooledBytes(0), $"{Corrupt}: {exception.Message}");
        }
    }

    private Task WriteTooLargeAsync(HttpContext context, WriteApi api, long maxBodyBytes) =>
        WriteErrorAsync(context, api, StatusCodes.Status413RequestEntityTooLarge, "request too large", $"the body exceeds listener:maxBodyBytes ({maxBodyBytes} bytes, before or after gzip decompression)");

    private Task WriteUnauthorizedAsync(HttpContext context, WriteApi api)
    {
        // InfluxDB's own answers: 2.x {"code":"unauthorized","message":"unauthorized access"}, 1.x {"error":"authorization failed"}.
        CountClientFault("unauthorized (401)", "no token or a wrong token");
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return api == WriteApi.V2
            ? context.Response.WriteAsJsonAsync(new V2WriteError("unauthorized", "unauthorized access"), WriteErrorJsonContext.Default.V2WriteError, cancellationToken: context.RequestAborted)
            : context.Response.WriteAsJsonAsync(new V1WriteError("authorization failed"), WriteErrorJsonContext.Default.V1WriteError, cancellationToken: context.RequestAborted);
    }

    private Task WriteErrorAsync(HttpContext context, WriteApi api, int statusCode, string code, string message)
    {
        if (statusCode < StatusCodes.Status500InternalServerError)
        {
            CountClientFault($"write refused ({statusCode})", message);
        }

        context.Response.StatusCode = statusCode;
        return api == WriteApi.V2
            ? context.Response.WriteAsJsonAsync(new V2WriteError(code, message), WriteErrorJsonContext.Default.V2WriteError, cancellationToken: context.RequestAborted)
            : context.Response.WriteAsJsonAsync(new V1WriteError(message), WriteErrorJsonContext.Default.V1WriteError, cancellationToken: context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Write listener: {Count} × {Fault} since the last such line (at most one per {Interval}); the latest: {Detail}")]
    private static partial void LogClientFaults(ILogger logger, string fault, long count, TimeSpan interval, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Write of {Count} readings refused: the buffer is full")]
    private static partial void LogBufferFull(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Write of {Count} readings refused: {Problem}")]
    private static partial void LogDiskFailure(ILogger logger, int count, string problem);

    /// <summary>A growable byte buffer from the shared pool.</summary>
    private sealed class PooledBytes(int capacity) : IDisposable
    {
        public byte[] Array { get; private set; } = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 1));

        public int Length { get; private set; }

        public ReadOnlySpan<byte> Span => Array.AsSpan(0, Length);

        public Memory<byte> FreeSpace(int maxBytes)
        {
            if (Length == Array.Length)
            {
                var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)Array.Length * 2, System.Array.MaxLength));
                Array.AsSpan(0, Length).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(Array);
                Array = grown;
            }

            return Array.AsMemory(Length, Math.Min(Array.Length - Length, maxBytes));
        }

        public void Advance(int bytes) => Length += bytes;

        public void Dispose()
        {
            if (Array.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(Array);
                Array = [];
                Length = 0;
            }
        }
    }
}

/// <summary>The InfluxDB 2.x error body.</summary>
internal sealed record V2WriteError(string Code, string Message);

/// <summary>The InfluxDB 1.x error body.</summary>
internal sealed record V1WriteError(string Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(V2WriteError))]
[JsonSerializable(typeof(V1WriteError))]
internal sealed partial class WriteErrorJsonContext : JsonSerializerContext;
