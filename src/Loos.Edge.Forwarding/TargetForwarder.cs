using System.Globalization;
using System.Text;
using Loos.Edge.Core;
using Loos.Edge.Forwarding.LineProtocol;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Loos.Edge.Forwarding;

/// <summary>
/// Moves one target's readings from its buffer consumer to the server: read a batch, encode it, write it
/// (retrying transient failures, splitting on 413, bisecting out rejected lines on 400/422, waiting out refused
/// credentials), and acknowledge it only once every line was stored or dead-lettered.
/// </summary>
internal sealed partial class TargetForwarder : IDisposable
{
    // A server asking for longer than this through Retry-After (or a clock far off) does not stall the target longer.
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    // Polly splits the sampling duration into ten buckets; with sub-second buckets failures were seen to go
    // uncounted, so the window never shrinks below this whatever the retry delays.
    private static readonly TimeSpan MinimumSamplingDuration = TimeSpan.FromSeconds(10);

    private readonly TargetOptions options;
    private readonly IBufferConsumer consumer;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly TargetTracker tracker;
    private readonly InfluxWriter writer;
    private readonly DeadLetterFile deadLetters;
    private readonly LineProtocolEncoder encoder;
    private readonly ResiliencePipeline<WriteResult> pipeline;
    private readonly List<DeadLetter> rejected = [];
    private readonly TimeSpan shutdownGrace;
    private readonly CircuitBreakerStateProvider circuit = new();
    private CancellationToken sendToken;

    // The batch being delivered, encoded; and the next one, read and encoded ahead while it is in flight. Swapped per batch.
    private LineProtocolBuffer encoded = new();
    private LineProtocolBuffer ahead = new();

    // Written by the attempts, read by the pipeline's delay and break generators (one attempt at a time).
    private WriteOutcome lastOutcome = WriteOutcome.Accepted;
    private int answeredFailures;
    private bool outageLogged;
    private DateTimeOffset? outageStarted;

    public TargetForwarder(
        TargetOptions options,
        string deadLetterFile,
        IBufferConsumer consumer,
        ISeriesCatalog catalog,
        TimeProvider timeProvider,
        ILogger logger,
        TargetTracker tracker,
        TimeSpan shutdownGrace)
    {
        this.options = options;
        this.consumer = consumer;
        this.timeProvider = timeProvider;
        this.logger = logger;
        this.tracker = tracker;
        this.shutdownGrace = shutdownGrace;
        writer = new InfluxWriter(options, timeProvider);
        deadLetters = new DeadLetterFile(deadLetterFile, options.DeadLetterMaxBytes, timeProvider);
        encoder = new LineProtocolEncoder(catalog);
        pipeline = BuildPipeline();
        Progress = new LoopProgress($"forwarder target {options.Name}", timeProvider);
    }

    public Uri Endpoint => writer.WriteUri;

    /// <summary>The promise to be out of the call in flight by its timeout, for the watchdog; idle between calls.</summary>
    public LoopProgress Progress { get; }

    /// <summary>Forwards until <paramref name="stoppingToken"/> is cancelled; failures are logged and retried, never thrown.</summary>
    /// <remarks>
    /// While a batch is in flight the next one is read and encoded (read ahead); it is sent only once the one before is
    /// acknowledged, so batches reach the server in buffer order and the position moves only past delivered ones.
    /// </remarks>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        // A write in flight at shutdown may finish within the grace; what it does not finish stays unacknowledged.
        using var sendCancellation = new CancellationTokenSource();
        using var registration = stoppingToken.Register(() => sendCancellation.CancelAfter(shutdownGrace));
        sendToken = sendCancellation.Token;
        BufferBatch? next = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var batch = next;
                next = null;
                if (batch is null)
                {
                    batch = await consumer.ReadAsync(options.BatchSize, options.BatchMaxAge, stoppingToken);
                    if (batch.Readings.Length == 0)
                    {
                        continue;
                    }

                    Encode(batch, encoded);
                }

                next = await ForwardReadingAheadAsync(batch, stoppingToken);
                if (next.Readings.Length == 0)
                {
                    next = null;
                }
                else
                {
                    (encoded, ahead) = (ahead, encoded);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Whatever was read ahead is read again from the acknowledged position.
                next = null;
                LogLoopFailed(logger, options.Name, exception);
                tracker.Failed(TargetState.Retrying, exception.Message);
                try
                {
                    await Task.Delay(options.MaxRetryDelay, timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Delivers and acknowledges an encoded batch while the next one is read and encoded into <see cref="ahead"/>; returns that one.</summary>
    private async Task<BufferBatch> ForwardReadingAheadAsync(BufferBatch batch, CancellationToken stoppingToken)
    {
        using var readAheadCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var into = ahead;
        var after = batch.End;

        // On its own thread: reading and encoding overlap with the gzip and the HTTP exchange of this batch.
        var readAhead = Task.Run(
            async () =>
            {
                var read = await consumer.ReadAfterAsync(after, options.BatchSize, options.BatchMaxAge, readAheadCancellation.Token);
                Encode(read, into);
                return read;
            },
            CancellationToken.None);
        try
        {
            await DeliverEncodedAsync(batch, stoppingToken);
        }
        catch
        {
            // The encoder and the read-ahead buffer are free again only once the read ahead has ended.
            await readAheadCancellation.CancelAsync();
            await readAhead.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }

        return await readAhead;
    }

    /// <summary>Encodes a batch into <paramref name="output"/>; one at a time (the encoder caches per series).</summary>
    private void Encode(BufferBatch batch, LineProtocolBuffer output)
    {
        output.Clear();
        encoder.Encode(batch.Readings.Span, output);
    }

    /// <summary>Delivers one batch encoded in <see cref="encoded"/> and acknowledges it.</summary>
    private async Task DeliverEncodedAsync(BufferBatch batch, CancellationToken stoppingToken)
    {
        rejected.Clear();
        foreach (var unencodable in encoded.Unencodable)
        {
            // Kept as a comment: the reading has no line protocol form, but a person can still see what it was.
            var description = string.Create(
                CultureInfo.InvariantCulture,
                $"# {unencodable.Series} at {unencodable.Reading.Timestamp.UtcDateTime:O} value {unencodable.Reading.Value} ({unencodable.Reading.Quality})").ReplaceLineEndings(" ");
            rejected.Add(new DeadLetter(Encoding.UTF8.GetBytes(description + "\n"), "not encodable: " + unencodable.Reason, 1));
        }

        var deadLettered = encoded.Unencodable.Count;
        if (encoded.Lines.Count > 0)
        {
            deadLettered += await DeliverAsync(0, encoded.Lines.Count, stoppingToken);
        }

        if (rejected.Count > 0)
        {
            var evicted = await deadLetters.AppendAsync(rejected, CancellationToken.None);
            var evictedSinceStart = tracker.AddDeadLettered(deadLettered, evicted);
            LogDeadLettered(logger, options.Name, deadLettered, deadLetters.Path);
            if (evicted > 0)
            {
                LogDeadLettersEvicted(logger, options.Name, deadLetters.Path, options.DeadLetterMaxBytes, evicted, evictedSinceStart);
            }
        }

        // Every line is now stored by the server or in the dead-letter file: the position may move.
        await consumer.AcknowledgeAsync(batch, CancellationToken.None);
        var newest = DateTimeOffset.MinValue;
        foreach (var reading in batch.Readings.Span)
        {
            if (reading.Timestamp > newest)
            {
                newest = reading.Timestamp;
            }
        }

        tracker.Acknowledged(timeProvider.GetUtcNow(), newest, batch.Readings.Length - deadLettered);
    }

    public void Dispose() => writer.Dispose();

    /// <summary>Writes lines [first, first + count) until stored; returns how many readings were rejected (queued in <see cref="rejected"/>).</summary>
    private async Task<int> DeliverAsync(int first, int count, CancellationToken stoppingToken)
    {
        while (true)
        {
            var body = encoded.Slice(first, count);
            var result = await pipeline.ExecuteAsync(
                static async (state, token) => await state.Forwarder.AttemptAsync(state.Body),
                (Forwarder: this, Body: body),
                stoppingToken);
            switch (result.Outcome)
            {
                case WriteOutcome.Accepted:
                    var now = timeProvider.GetUtcNow();
                    if (outageStarted is { } started)
                    {
                        LogRecovered(logger, options.Name, now - started);
                        outageStarted = null;
                    }

                    outageLogged = false;
                    tracker.Accepted(now);
                    return 0;

                case WriteOutcome.Unauthorized:
                    var alert = options.Api == InfluxApi.V2
                        ? $"Target '{options.Name}' refuses the credentials ({result}): check the token in {options.TokenFile}. Readings stay buffered."
                        : $"Target '{options.Name}' refuses the credentials ({result}): check the user '{options.Username}' and the password in {options.PasswordFile}. Readings stay buffered.";
                    tracker.AuthenticationFailed(result.ToString(), alert);
                    LogAuthenticationFailed(logger, options.Name, result.ToString());
                    await Task.Delay(options.AuthenticationRetryInterval, timeProvider, stoppingToken);
                    writer.ReloadCredentials();
                    continue;

                case WriteOutcome.TooLarge or WriteOutcome.Rejected when count > 1:
                    tracker.Rejected(result.ToString());
                    stoppingToken.ThrowIfCancellationRequested();
                    // Halves: a 413 body shrinks until it fits; a 400/422 narrows down to the lines at fault.
                    // Re-sending lines already stored is harmless: a point is identified by series and timestamp.
                    var half = count / 2;
                    var rejectedReadings = await DeliverAsync(first, half, stoppingToken);
                    stoppingToken.ThrowIfCancellationRequested();
                    return rejectedReadings + await DeliverAsync(first + half, count - half, stoppingToken);

                default:
                    // One line the server will never take (rejected, or too large on its own).
                    tracker.Rejected(result.ToString());
                    var readings = encoded.CountReadings(first, count);
                    rejected.Add(new DeadLetter(body, result.ToString(), readings));
                    return readings;
            }
        }
    }

    /// <summary>
    /// One attempt: after a failure the server's <c>/ping</c> is asked first, so a server that is down costs a probe
    /// per attempt, not a batch; then the write.
    /// </summary>
    private async Task<WriteResult> AttemptAsync(ReadOnlyMemory<byte> body)
    {
        // The probe and the write each end by the target's timeout at the latest.
        Progress.ExpectWithin(options.Timeout + options.Timeout);
        WriteResult? result;
        try
        {
            result = lastOutcome is WriteOutcome.Transient or WriteOutcome.Unreachable ? await writer.ProbeAsync(sendToken) : null;
            result ??= await writer.WriteAsync(body, sendToken);
        }
        finally
        {
            Progress.Idle();
        }

        lastOutcome = result.Outcome;
        answeredFailures = result.Outcome switch
        {
            WriteOutcome.Transient => answeredFailures + 1,
            WriteOutcome.Unreachable => answeredFailures,
            _ => 0,
        };
        if (result.Outcome is WriteOutcome.Transient or WriteOutcome.Unreachable)
        {
            outageStarted ??= timeProvider.GetUtcNow();
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Forwarding to {Target} failed; trying again")]
    private static partial void LogLoopFailed(ILogger logger, string target, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Target}: write attempt {Attempt} in {Delay}: {Error}")]
    private static partial void LogRetrying(ILogger logger, string target, int attempt, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Target}: circuit open after repeated failures ({Error}); probing every {BreakDuration} until the server answers")]
    private static partial void LogCircuitOpened(ILogger logger, string target, TimeSpan breakDuration, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Target}: writes go through again after {Outage} of failures")]
    private static partial void LogRecovered(ILogger logger, string target, TimeSpan outage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Target}: the dead-letter file {DeadLetterFile} reached its cap of {MaxBytes} bytes; {Readings} older rejected readings were deleted ({Total} since start)")]
    private static partial void LogDeadLettersEvicted(ILogger logger, string target, string deadLetterFile, long maxBytes, long readings, long total);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Target}: the server refuses the credentials ({Error}); readings stay buffered")]
    private static partial void LogAuthenticationFailed(ILogger logger, string target, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Target}: {Readings} readings rejected, written to {DeadLetterFile}")]
    private static partial void LogDeadLettered(ILogger logger, string target, int readings, string deadLetterFile);
}
