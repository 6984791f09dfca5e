using Loos.Edge.Core;
using Loos.Edge.Core.Clock;
using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Schedule;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Lighting.Dispatch;

/// <summary>
/// Runs the lighting: at every step of the plan, at start and after each reconnection, sends each circuit the level
/// it should have now (idempotent, so a restart in the night re-applies the right state), and confirms it from the
/// controllers' status; resends with back-off what is not confirmed, and shows each circuit in health. It needs
/// nothing but the gateway: no network, no InfluxDB. While the system clock is not trusted, no scheduled step is
/// taken: circuits keep their last confirmed level, or get the safe level when they have none.
/// </summary>
internal sealed partial class LightingDispatcher : BackgroundService, IDeviceMonitor
{
    /// <summary>How often an untrusted clock is asked again.</summary>
    private static readonly TimeSpan UntrustedRecheckInterval = TimeSpan.FromSeconds(10);

    /// <summary>The longest sleep between evaluations: a clock stepped by NTP is noticed within it.</summary>
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(1);

    private readonly LightingOptions options;
    private readonly LightingPlanner planner;
    private readonly OverrideStore overrides;
    private readonly IReadOnlyList<ICircuitOutput> outputs;
    private readonly CircuitCommand[] commands;
    private readonly IClockTrust clockTrust;
    private readonly LightingSeries series;
    private readonly NightBook nights;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<LightingDispatcher> logger;
    private readonly SemaphoreSlim wake = new(0);
    private volatile string? clockProblem;

    public LightingDispatcher(
        LightingOptions options,
        LightingPlanner planner,
        OverrideStore overrides,
        IReadOnlyList<ICircuitOutput> outputs,
        IClockTrust clockTrust,
        LightingSeries series,
        NightBook nights,
        TimeProvider timeProvider,
        ILogger<LightingDispatcher> logger)
    {
        this.options = options;
        this.planner = planner;
        this.overrides = overrides;
        this.outputs = outputs;
        this.clockTrust = clockTrust;
        this.series = series;
        this.nights = nights;
        this.timeProvider = timeProvider;
        this.logger = logger;
        commands = [.. options.Circuits.Select(_ => new CircuitCommand(options.ConfirmTimeout, options.ResendMaxDelay))];
    }

    /// <summary>Evaluates at once: overrides changed, a controller reported, or the broker came back.</summary>
    public void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            wake.Release();
        }
    }

    /// <summary>After a reconnection: every circuit is sent its level again, once.</summary>
    public void Reconnected()
    {
        foreach (var command in commands)
        {
            command.SendAgain = true;
        }

        Wake();
    }

    public IReadOnlyList<DeviceStatus> GetDevices()
    {
        var devices = new List<DeviceStatus>(commands.Length + 1);
        if (options.RequireClockSync)
        {
            var problem = clockProblem;
            devices.Add(new DeviceStatus("lighting", "clock", problem is null, series.DroppedReadings, problem is null ? "trusted" : "untrusted",
                problem is null ? null : problem + "; circuits keep their last confirmed level" + (options.SafeLevel is { } safe ? $" (or {safe} % when they have none)" : "")));
        }

        for (var i = 0; i < commands.Length; i++)
        {
            var command = commands[i];
            var state = command.Level is null ? "idle" : command.IsNotFollowing ? "not-following" : command.IsConfirmed ? "following" : "pending";
            var detail = command.Level is { } level ? $"commanded {level} % ({command.Sends} send(s)); reported: {command.LastReported}" : null;
            devices.Add(new DeviceStatus("lighting", options.Circuits[i].Name, !command.IsNotFollowing, 0, state, detail));
        }

        return devices;
    }

    public override void Dispose()
    {
        wake.Dispose();

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = timeProvider.GetUtcNow();
            var next = await EvaluateAsync(now, stoppingToken).ConfigureAwait(false);
            try
            {
                await WaitAsync(next - now, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Brings every circuit to the level it should have at <paramref name="now"/>; returns when to look again.</summary>
    internal async Task<DateTimeOffset> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var problem = options.RequireClockSync ? clockTrust.WhyNotTrusted() : null;
        if (problem != clockProblem)
        {
            LogClock(logger, problem ?? "the system clock is trusted again");
            clockProblem = problem;
        }

        var next = now + (problem is null ? RecheckInterval : UntrustedRecheckInterval);
        // Overrides not yet expired, future ones included: the planner tells when the next one starts.
        var standing = problem is null ? overrides.All(now) : [];
        for (var i = 0; i < commands.Length; i++)
        {
            var command = commands[i];
            int? level;
            if (problem is null)
            {
                var planned = planner.LevelAt(i, now, standing);
                level = planned.Level;
                next = Earliest(next, planned.NextChange);
            }
            else
            {
                // A stale clock could be any hour of the year: keep what was confirmed rather than act on it.
                level = command.ConfirmedLevel is null && command.Level is null ? options.SafeLevel : command.Level;
            }

            if (level is { } target)
            {
                await BringAsync(i, target, now, cancellationToken).ConfigureAwait(false);
                next = Earliest(next, command.Deadline);
            }
        }

        if (problem is null)
        {
            next = Earliest(next, await nights.KeepAsync(now, standing, cancellationToken).ConfigureAwait(false));
        }

        return next;
    }

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>Sends, checks or resends one circuit's command as its state asks.</summary>
    private async Task BringAsync(int circuit, int level, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var command = commands[circuit];
        var name = options.Circuits[circuit].Name;
        if (command.Level != level)
        {
            command.Command(level, now);
            await SendAsync(circuit, CommandOutcome.Sent, now, cancellationToken).ConfigureAwait(false);
        }
        else if (command.IsConfirmed)
        {
            if (command.SendAgain)
            {
                // After a reconnection the controller may have restarted meanwhile: the state is sent again.
                await SendAsync(circuit, CommandOutcome.Resent, now, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var (confirmed, reported) = Check(circuit, level, command.FirstSentAt);
        command.LastReported = reported;
        if (confirmed)
        {
            command.Confirm();
            LogConfirmed(logger, name, level, now - command.FirstSentAt);
            await series.CommandAsync(name, CommandOutcome.Confirmed, level, now, now - command.FirstSentAt, cancellationToken).ConfigureAwait(false);
        }
        else if (now >= command.Deadline || command.SendAgain)
        {
            if (now >= command.Deadline && command.Missed())
            {
                LogNotFollowing(logger, name, level, options.ConfirmTimeout, reported);
                await series.CommandAsync(name, CommandOutcome.NotFollowing, level, now, null, cancellationToken).ConfigureAwait(false);
            }

            await SendAsync(circuit, CommandOutcome.Resent, now, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(int circuit, CommandOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var command = commands[circuit];
        var level = command.Level!.Value;
        var name = options.Circuits[circuit].Name;
        bool sent;
        try
        {
            sent = await outputs[circuit].SendAsync(level, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            // A line that cannot be driven (no GPIO, pin taken) is this circuit's problem, retried like a silent controller.
            LogCannotDrive(logger, name, exception.Message);
            command.LastReported = "cannot send: " + exception.Message;
            sent = false;
        }

        command.Sent(now);
        if (!sent)
        {
            LogUnsent(logger, name, level, command.Deadline - now);
        }

        await series.CommandAsync(name, sent ? outcome : CommandOutcome.Unsent, level, now, null, cancellationToken).ConfigureAwait(false);
    }

    private (bool Confirmed, string Reported) Check(int circuit, int level, DateTimeOffset sentAt)
    {
        try
        {
            return outputs[circuit].Check(level, sentAt);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return (false, "cannot read back: " + exception.Message);
        }
    }

    /// <summary>Sleeps until <paramref name="delay"/> passed or <see cref="Wake"/> is called.</summary>
    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var waking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sleeping = Task.Delay(delay, timeProvider, waking.Token);
        var woken = wake.WaitAsync(waking.Token);
        await Task.WhenAny(sleeping, woken).ConfigureAwait(false);
        await waking.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lighting: {Problem}")]
    private static partial void LogClock(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lighting: circuit {Circuit} follows {Level} % (confirmed after {Latency})")]
    private static partial void LogConfirmed(ILogger logger, string circuit, int level, TimeSpan latency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lighting: circuit {Circuit} does not follow {Level} % after {Timeout} (reported: {Reported}); sending again with back-off")]
    private static partial void LogNotFollowing(ILogger logger, string circuit, int level, TimeSpan timeout, string reported);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lighting: cannot drive circuit {Circuit}: {Problem}")]
    private static partial void LogCannotDrive(ILogger logger, string circuit, string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lighting: the command {Level} % for circuit {Circuit} could not be sent; next attempt in {Delay}")]
    private static partial void LogUnsent(ILogger logger, string circuit, int level, TimeSpan delay);
}
