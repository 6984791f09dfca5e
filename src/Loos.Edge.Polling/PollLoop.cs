using Loos.Edge.Core;

namespace Loos.Edge.Polling;

/// <summary>The loop every poller runs: wait for the schedule's next tick, poll what is due, log a failure and go on.</summary>
public static class PollLoop
{
    /// <summary>
    /// Runs <paramref name="pollDue"/> at each tick of <paramref name="schedule"/> until <paramref name="cancellationToken"/>
    /// is cancelled. A failure goes to <paramref name="onFailure"/>, never out: the schedule has moved on, so a
    /// persistent failure is retried at the next tick, not in a tight loop. An empty schedule waits for cancellation.
    /// Before each wait the loop promises <paramref name="progress"/> to be back by the wake-up, for the watchdog.
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

                progress.ExpectBy(schedule.NextDue);
                var wait = schedule.NextDue - timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
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
