using Loos.Edge.Core;

namespace Loos.Edge.Polling;

/// <summary>The loop every poller runs: wait for the schedule's next tick, poll what is due, log a failure and go on.</summary>
/// <remarks>
/// Waits are timers on the monotonic clock, at most <see cref="ClockCheckInterval"/> long, and each compares how far the
/// wall clock moved with how far the monotonic clock did: a step of the wall clock (NTP setting a stale boot time, a
/// manual change) is seen within that interval. A step forward skips the ticks it jumped over (one poll at the next
/// aligned tick, no burst of catch-ups, no reading taken now stamped with a tick long past); a step back polls nothing
/// until the wall clock reaches the next tick again, so no tick is polled twice and no timestamp sent twice.
/// </remarks>
public static class PollLoop
{
    /// <summary>The longest wait between two looks at the wall clock.</summary>
    public static readonly TimeSpan ClockCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>A wall clock that moved this much more than the monotonic clock during one wait was stepped.</summary>
    private static readonly TimeSpan StepThreshold = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Runs <paramref name="pollDue"/> at each tick of <paramref name="schedule"/> until <paramref name="cancellationToken"/>
    /// is cancelled. A failure goes to <paramref name="onFailure"/>, never out: the schedule has moved on, so a
    /// persistent failure is retried at the next tick, not in a tight loop. An empty schedule waits for cancellation.
    /// Before each wait the loop promises <paramref name="progress"/> to be back at the wake-up, for the watchdog.
    /// </summary>
    public static async Task RunAsync(
        PollSchedule schedule,
        TimeProvider timeProvider,
        Func<CancellationToken, ValueTask> pollDue,
        Action<Exception> onFailure,
        LoopProgress progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(pollDue);
        ArgumentNullException.ThrowIfNull(onFailure);
        ArgumentNullException.ThrowIfNull(progress);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (schedule.Count == 0)
                {
                    progress.Idle();
                    await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, cancellationToken).ConfigureAwait(false);
                }

                var wallBefore = timeProvider.GetUtcNow();
                var wait = schedule.NextDue - wallBefore;
                progress.ExpectWithin(wait < ClockCheckInterval ? wait : ClockCheckInterval);
                if (wait > TimeSpan.Zero)
                {
                    var monotonicBefore = timeProvider.GetTimestamp();
                    await Task.Delay(wait < ClockCheckInterval ? wait : ClockCheckInterval, timeProvider, cancellationToken).ConfigureAwait(false);
                    var wallNow = timeProvider.GetUtcNow();
                    if (wallNow - wallBefore - timeProvider.GetElapsedTime(monotonicBefore) > StepThreshold)
                    {
                        schedule.SkipTo(wallNow);
                    }

                    if (schedule.NextDue > wallNow)
                    {
                        continue;
                    }
                }

                await pollDue(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                progress.Idle();
                return;
            }
            catch (Exception exception)
            {
                onFailure(exception);
            }
        }
    }
}
