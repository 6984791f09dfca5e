using System.Globalization;
using System.Text.Json.Serialization;
using Loos.Edge.Core;
using Loos.Edge.Core.Clock;

namespace Loos.Edge.Http;

/// <summary>
/// The document served by <c>GET /health</c>: overall status, the buffer and every forwarding target. Serialise it with
/// <see cref="HealthJsonContext"/> (snake_case names, instants in ISO 8601 UTC).
/// </summary>
/// <param name="Status"><c>ok</c>; <c>degraded</c> while a target retries or its circuit is open, the buffer found
/// damaged records, or a polled device does not answer; <c>alert</c> while a target needs a person (its credentials
/// were refused) or the buffer cannot write to its disk (full, read-only).</param>
/// <param name="Time">When the report was made.</param>
/// <param name="Buffer">What the buffer holds.</param>
/// <param name="Targets">One entry per forwarding target.</param>
/// <param name="Devices">One entry per polled field device (Modbus and the other polled sources).</param>
/// <param name="Clock">The system clock: synchronised or not, since when, readings held back (absent without a clock module).</param>
public sealed record HealthReport(
    string Status,
    DateTime Time,
    BufferHealth Buffer,
    IReadOnlyList<TargetHealth> Targets,
    IReadOnlyList<DeviceHealth> Devices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ClockHealth? Clock = null)
{
    /// <summary>The status when nothing needs attention.</summary>
    public const string Ok = "ok";

    /// <summary>The status while the gateway works around a problem on its own.</summary>
    public const string Degraded = "degraded";

    /// <summary>The status while a person must act.</summary>
    public const string Alert = "alert";

    /// <summary>Builds the report from the buffer's statistics, the targets' states and the polled devices' states (none by default).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <remarks>An unsynchronised clock makes the report <c>degraded</c>: readings are kept but held back from forwarding.</remarks>
    public static HealthReport Create(BufferStatistics buffer, IReadOnlyList<TargetStatus> targets, DateTimeOffset now, IReadOnlyList<DeviceStatus>? devices = null, ClockStatus? clock = null)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(targets);
        devices ??= [];
        var status = Ok;
        if (buffer.DamagedRegions > 0
            || targets.Any(t => t.State is TargetState.Retrying or TargetState.CircuitOpen)
            || devices.Any(d => !d.Answering)
            || clock is { Synchronised: false })
        {
            status = Degraded;
        }

        if (buffer.DiskError is not null || targets.Any(t => t.State == TargetState.AuthenticationFailed || t.Alert is not null))
        {
            status = Alert;
        }

        return new HealthReport(
            status,
            now.UtcDateTime,
            BufferHealth.Create(buffer),
            [.. targets.Select(TargetHealth.Create)],
            [.. devices.Select(d => new DeviceHealth(d.Bus, d.Device, d.State ?? (d.Answering ? "online" : "offline"), d.DroppedReadings, d.Detail))],
            clock is null ? null : new ClockHealth(clock.Synchronised, clock.Since?.UtcDateTime, clock.HeldReadings, clock.SetAsideReadings, clock.Detail));
    }
}

/// <summary>The system clock in <see cref="HealthReport"/>.</summary>
/// <param name="Synchronised">True once NTP synchronised it in this boot (or from boot, with <c>clock:trust: rtc</c>).</param>
/// <param name="Since">When it became synchronised, or when it was found unsynchronised (by that clock, so possibly stale).</param>
/// <param name="HeldReadings">Readings kept in the buffer and held back from forwarding until the clock is synchronised and their times corrected.</param>
/// <param name="SetAsideReadings">Readings of an earlier boot whose time could not be corrected, written to <c>clock-unsynced.lp</c> since the gateway started.</param>
/// <param name="Detail">Why the clock is not believed; absent once it is.</param>
public sealed record ClockHealth(bool Synchronised, DateTime? Since, long HeldReadings, long SetAsideReadings, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail);

/// <summary>One polled field device in <see cref="HealthReport"/>.</summary>
/// <param name="Bus">The bus from the site file.</param>
/// <param name="Device">The device from the site file.</param>
/// <param name="State"><c>online</c>, or <c>offline</c> once it is backed off after unanswered polls (its series then get stale readings);
/// a lighting circuit is <c>following</c>, <c>pending</c> (a command awaits its confirmation) or <c>not-following</c>, and the
/// lighting clock <c>trusted</c> or <c>untrusted</c>.</param>
/// <param name="DroppedReadings">Readings of the device the buffer refused since the gateway started; the source polls on.</param>
/// <param name="Detail">What a person should know about a state other than online (a lighting circuit's last reported level); absent otherwise.</param>
public sealed record DeviceHealth(string Bus, string Device, string State, long DroppedReadings, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null);

/// <summary>The buffer part of <see cref="HealthReport"/>, also printed by <c>loos-edge buffer status --json</c>.</summary>
/// <param name="UnsentReadings">Readings not yet acknowledged by the consumer furthest behind.</param>
/// <param name="UnsentBytes">Segment bytes not yet acknowledged by the consumer furthest behind.</param>
/// <param name="BytesOnDisk">All segment bytes, sent or not.</param>
/// <param name="Segments">How many segment files exist.</param>
/// <param name="CapBytes">The disk cap.</param>
/// <param name="OldestUnsent">The oldest timestamp some consumer has not acknowledged, or null when all is sent.</param>
/// <param name="EvictedReadings">Readings the disk cap deleted before every consumer had them.</param>
/// <param name="DamagedRegions">Damaged records skipped at recovery since the process started.</param>
/// <param name="Consumers">The same figures per consumer (forwarding target).</param>
/// <param name="DiskError">Why the buffer cannot write to its disk while that lasts (appends are refused), or null.</param>
/// <param name="PossibleLossAfter">After a power cut that stopped the previous run: readings appended after this time (the
/// newest on disk) and not yet fsynced (<c>buffer:syncInterval</c>) may be missing; null otherwise.</param>
/// <param name="PossibleLossStops">Such stops since the buffer was created.</param>
public sealed record BufferHealth(
    long UnsentReadings,
    long UnsentBytes,
    long BytesOnDisk,
    int Segments,
    long CapBytes,
    DateTime? OldestUnsent,
    long EvictedReadings,
    int DamagedRegions,
    IReadOnlyList<ConsumerHealth> Consumers,
    string? DiskError = null,
    DateTime? PossibleLossAfter = null,
    long PossibleLossStops = 0)
{
    /// <summary>Summarises <paramref name="statistics"/>, taking the worst consumer for the top-level unsent figures.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="statistics"/> is null.</exception>
    public static BufferHealth Create(BufferStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var consumers = statistics.Consumers;
        var oldest = consumers.Where(c => c.OldestUnsentTimestamp is not null).Select(c => c.OldestUnsentTimestamp!.Value).DefaultIfEmpty().Min();
        return new BufferHealth(
            consumers.Count == 0 ? 0 : consumers.Max(c => c.UnsentReadings),
            consumers.Count == 0 ? 0 : consumers.Max(c => c.UnsentBytes),
            statistics.BytesOnDisk,
            statistics.Segments,
            statistics.CapBytes,
            consumers.Any(c => c.OldestUnsentTimestamp is not null) ? oldest.UtcDateTime : null,
            statistics.EvictedReadings,
            statistics.DamagedRegions,
            [.. consumers.Select(c => new ConsumerHealth(c.Name, c.Position.ToString(), c.UnsentReadings, c.UnsentBytes, c.OldestUnsentTimestamp?.UtcDateTime))],
            statistics.DiskError,
            statistics.PossibleLossAfter?.UtcDateTime,
            statistics.PossibleLossStops);
    }
}

/// <summary>One consumer of the buffer in <see cref="BufferHealth"/>.</summary>
/// <param name="Name">The consumer (forwarding target) name.</param>
/// <param name="Position">Its checkpointed position, <c>segment@offset</c>.</param>
/// <param name="UnsentReadings">Readings after its position.</param>
/// <param name="UnsentBytes">Segment bytes after its position.</param>
/// <param name="OldestUnsent">The timestamp of its first unsent reading, or null.</param>
public sealed record ConsumerHealth(string Name, string Position, long UnsentReadings, long UnsentBytes, DateTime? OldestUnsent);

/// <summary>One forwarding target in <see cref="HealthReport"/>.</summary>
/// <param name="Name">The target's name from the site file.</param>
/// <param name="Endpoint">The URL written to, without credentials.</param>
/// <param name="State"><c>starting</c>, <c>healthy</c>, <c>retrying</c>, <c>circuit_open</c> or <c>authentication_failed</c>.</param>
/// <param name="LastSuccess">When the server last acknowledged a write, or null.</param>
/// <param name="ForwardLagSeconds">How old the newest acknowledged reading was when acknowledged, or null.</param>
/// <param name="ForwardedReadings">Readings acknowledged since start.</param>
/// <param name="DeadLetteredReadings">Readings the server rejected, moved to the dead-letter file since start.</param>
/// <param name="DeadLetterEvictedReadings">Of those, the oldest deleted since start to keep the dead-letter file within its cap.</param>
/// <param name="LastError">The last failure, or null.</param>
/// <param name="Alert">What a person must do, or null.</param>
public sealed record TargetHealth(
    string Name,
    string Endpoint,
    string State,
    DateTime? LastSuccess,
    double? ForwardLagSeconds,
    long ForwardedReadings,
    long DeadLetteredReadings,
    long DeadLetterEvictedReadings,
    string? LastError,
    string? Alert)
{
    /// <summary>The health view of <paramref name="status"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="status"/> is null.</exception>
    public static TargetHealth Create(TargetStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new TargetHealth(
            status.Name,
            status.Endpoint,
            StateName(status.State),
            status.LastSuccess?.UtcDateTime,
            status.ForwardLag?.TotalSeconds,
            status.ForwardedReadings,
            status.DeadLetteredReadings,
            status.DeadLetterEvictedReadings,
            status.LastError,
            status.Alert);
    }

    private static string StateName(TargetState state) => state switch
    {
        TargetState.Starting => "starting",
        TargetState.Healthy => "healthy",
        TargetState.Retrying => "retrying",
        TargetState.CircuitOpen => "circuit_open",
        TargetState.AuthenticationFailed => "authentication_failed",
        _ => state.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}

/// <summary>System.Text.Json metadata for <see cref="HealthReport"/> and <see cref="BufferHealth"/>: snake_case names, nulls written.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(BufferHealth))]
public sealed partial class HealthJsonContext : JsonSerializerContext;
