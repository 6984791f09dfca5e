using Loos.Edge.Core;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Loos.Edge.Forwarding;

/// <summary>The retry and circuit-breaker pipeline every write attempt of a target goes through.</summary>
internal sealed partial class TargetForwarder
{
    private ResiliencePipeline<WriteResult> BuildPipeline()
    {
        var retry = new RetryStrategyOptions<WriteResult>
        {
            ShouldHandle = static args => ValueTask.FromResult(
                args.Outcome.Exception is BrokenCircuitException || args.Outcome.Result?.Outcome is WriteOutcome.Transient or WriteOutcome.Unreachable),
            // Readings wait safely in the buffer: transient failures are retried for as long as they last.
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.InitialRetryDelay,
            MaxDelay = options.MaxRetryDelay,
            DelayGenerator = args => ValueTask.FromResult(RetryDelay(args.Outcome)),
            OnRetry = args =>
            {
                // While the circuit is open the breaker's state says it all; each probe is not worth a log line.
                if (args.Outcome.Exception is BrokenCircuitException || circuit.CircuitState != CircuitState.Closed)
                {
                    return ValueTask.CompletedTask;
                }

                var error = args.Outcome.Result?.ToString() ?? args.Outcome.Exception?.Message ?? "unknown failure";
                tracker.Failed(TargetState.Retrying, error);
                LogRetrying(logger, options.Name, args.AttemptNumber + 1, args.RetryDelay, error);
                return ValueTask.CompletedTask;
            },
        };
        var breaker = new CircuitBreakerStrategyOptions<WriteResult>
        {
            ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result?.Outcome is WriteOutcome.Transient or WriteOutcome.Unreachable),
            // Polly's breaker is ratio-based: a ratio of 1 with this minimum throughput opens after that many
            // failures with no success among them, within a window long enough to hold them at maximum back-off.
            FailureRatio = 1.0,
            MinimumThroughput = options.CircuitBreakerFailures,
            SamplingDuration = Max(options.MaxRetryDelay * (options.CircuitBreakerFailures + 1), MinimumSamplingDuration),
            BreakDuration = options.CircuitBreakDuration,
            BreakDurationGenerator = _ => ValueTask.FromResult(BreakDuration()),
            StateProvider = circuit,
            OnOpened = args =>
            {
                tracker.Failed(TargetState.CircuitOpen, args.Outcome.Result?.ToString() ?? "circuit open");
                if (!outageLogged)
                {
                    outageLogged = true;
                    LogCircuitOpened(logger, options.Name, args.BreakDuration, args.Outcome.Result?.ToString() ?? "circuit open");
                }

                return ValueTask.CompletedTask;
            },
        };
        return new ResiliencePipelineBuilder<WriteResult> { TimeProvider = timeProvider }
            .AddRetry(retry)
            .AddCircuitBreaker(breaker)
            .Build();
    }

    /// <summary>How long to wait before the next attempt; null for the exponential back-off with jitter.</summary>
    private TimeSpan? RetryDelay(Outcome<WriteResult> outcome)
    {
        if (outcome.Exception is BrokenCircuitException broken)
        {
            // Until the breaker lets the next probe through.
            return broken.RetryAfter ?? options.CircuitBreakDuration;
        }

        if (outcome.Result?.RetryAfter is { } asked)
        {
            return asked > MaxRetryAfter ? MaxRetryAfter : asked;
        }

        if (circuit.CircuitState == CircuitState.Open)
        {
            // This failure opened the circuit: the breaker times the next probe.
            return TimeSpan.Zero;
        }

        // A server that does not answer is probed at the break interval, however long it has been down: a probe
        // costs it nothing, and its return is noticed within that interval.
        return outcome.Result?.Outcome == WriteOutcome.Unreachable ? options.CircuitBreakDuration : null;
    }

    /// <summary>
    /// The break: one probe interval while the server does not answer; doubled for each write in a row the server
    /// answered with a failure (up to <see cref="TargetOptions.MaxRetryDelay"/>), so that a server up but unable to
    /// write is not sent a batch every interval.
    /// </summary>
    private TimeSpan BreakDuration()
    {
        if (lastOutcome != WriteOutcome.Transient || answeredFailures == 0)
        {
            return options.CircuitBreakDuration;
        }

        var longest = Max(options.MaxRetryDelay, options.CircuitBreakDuration);
        var doubled = options.CircuitBreakDuration * Math.Pow(2, Math.Min(answeredFailures - 1, 20));
        return doubled > longest ? longest : doubled;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
