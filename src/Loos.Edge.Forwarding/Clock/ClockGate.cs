using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Core.Clock;
using Loos.Edge.Forwarding.LineProtocol;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Forwarding.Clock;

/// <summary>Where the clock gate keeps its files, and how much.</summary>
/// <param name="HeldBuffer">The options of the buffer that holds readings back (the main buffer's, in its folder <c>clock-held</c>).</param>
/// <param name="SetAsideFile">Where readings of an earlier boot that cannot be corrected go (<c>clock-unsynced.lp</c> beside the dead letters).</param>
/// <param name="SetAsideMaxBytes">The cap of that file and its predecessor together.</param>
internal sealed record ClockGateSettings(BufferOptions HeldBuffer, string SetAsideFile, long SetAsideMaxBytes);

/// <summary>
/// The sources' way into the buffer while the system clock may be wrong. Until the clock is synchronised, readings
/// stamped by it (at or after the moment it was found unsynchronised, and not ahead of it) go to a buffer of their own
/// (<c>clock-held</c>, durable like the main one) with the episode: boot id and the wall clock's offset from the
/// monotonic clock. When the clock is synchronised the offset is measured again; the difference is the clock's
/// correction, added to each held reading as it moves into the main buffer, so every consumer (forwarder, rollups,
/// heating, lighting) only ever sees corrected times. Readings held in an earlier boot cannot be corrected (the
/// monotonic clock started again): they are written aside as line protocol with the quality <c>clock-unsynced</c>, and
/// counted. Readings carrying a time of their own (a backfill, a peer's timestamp) fall outside the window and pass.
/// Once synchronised, the clock is trusted for the rest of the boot.
/// </summary>
internal sealed partial class ClockGate : IDeliveryJournal, IClockMonitor, IAsyncDisposable
{
    internal const string HeldFolder = "clock-held";
    internal const string EpisodeFileName = "episode.state";
    internal const string SetAsideFileName = "clock-unsynced.lp";
    private const string ReleaseConsumer = "release";

    /// <summary>A poll's time can be a little ahead of the clock it was stamped by (an aligned tick); more than this is a time of its own.</summary>
    private static readonly TimeSpan AheadTolerance = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after synchronisation a reading stamped just before it (a poll under way when the clock was stepped) is
    /// still recognised by its stale time and corrected: longer than any poll takes.
    /// </summary>
    private static readonly TimeSpan LateStampWindow = TimeSpan.FromMinutes(1);

    private readonly IDurableBuffer buffer;
    private readonly IClockTrust trust;
    private readonly ClockGateSettings settings;
    private readonly ISeriesCatalog catalog;
    private readonly TimeProvider timeProvider;
    private readonly Guid bootId;
    private readonly ILogger logger;
    private readonly SemaphoreSlim gate = new(1, 1);

    // Held appends queued and perhaps not yet durable, for the release to wait for; touched only under the gate.
    private readonly List<Task> heldInFlight = [];
    private readonly string episodePath;
    private IReadOnlyList<ReadOnlyMemory<byte>> recoveredNotes = [];
    private volatile bool synchronised;
    private ClockEpisode? episode;
    private IDurableBuffer? held;
    private DateTimeOffset? since;
    private string? detail;
    private long setAside;

    /// <summary>After a step forward at synchronisation: the stale times still to correct, until a monotonic deadline.</summary>
    private volatile StaleSpan? lateStamps;

    public ClockGate(IDurableBuffer buffer, IClockTrust trust, ClockGateSettings settings, ISeriesCatalog catalog, TimeProvider timeProvider, Guid bootId, ILogger logger)
    {
        this.buffer = buffer;
        this.trust = trust;
        this.settings = settings;
        this.catalog = catalog;
        this.timeProvider = timeProvider;
        this.bootId = bootId;
        this.logger = logger;
        episodePath = Path.Combine(settings.HeldBuffer.Directory, EpisodeFileName);
    }

    /// <summary>The main buffer's notes, then those of readings still held.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> RecoveredDeliveryNotes => recoveredNotes;

    /// <summary>
    /// Takes up what an earlier run held: the same boot's episode goes on, another boot's readings are set aside. Then
    /// asks the clock once. Runs before any source appends.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        recoveredNotes = buffer.RecoveredDeliveryNotes;
        if (File.Exists(episodePath))
        {
            var previous = ClockEpisodeFile.Read(episodePath);
            held = OpenHeld();
            recoveredNotes = [.. buffer.RecoveredDeliveryNotes, .. held.RecoveredDeliveryNotes];
            if (previous.BootId == Guid.Empty || previous.BootId != bootId)
            {
                await SetAsideAsync(cancellationToken);
            }
            else
            {
                episode = previous;
                since = new DateTimeOffset(previous.SinceUtcTicks, TimeSpan.Zero);
            }
        }
        else if (Directory.Exists(settings.HeldBuffer.Directory))
        {
            // Held readings without their episode (a stop while it was being deleted): their time cannot be told.
            held = OpenHeld();
            await SetAsideAsync(cancellationToken);
        }

        await CheckAsync(cancellationToken);
    }

    /// <summary>Asks the clock; on synchronisation corrects and releases the held readings. Returns true once synchronised.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        if (synchronised)
        {
            return true;
        }

        var why = trust.WhyNotTrusted();
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (why is null)
            {
                if (episode is { } current)
                {
                    if (current.CorrectionTicks is null)
                    {
                        // Written before the first reading moves: a stop during the release resumes with the same correction.
                        episode = current = current with { CorrectionTicks = WallMinusMonotonicTicks() - current.WallMinusMonotonicTicks };
                        ClockEpisodeFile.Write(episodePath, current);
                    }

                    var correction = current.CorrectionTicks!.Value;
                    var staleNow = timeProvider.GetUtcNow().UtcTicks - correction;

                    // Only a step forward (the Pi's case: a stale boot time) keeps stale and true times apart.
                    lateStamps = correction > AheadTolerance.Ticks
                        ? new StaleSpan(current.SinceUtcTicks, staleNow + AheadTolerance.Ticks, correction, timeProvider.GetTimestamp() + (long)(LateStampWindow.TotalSeconds * timeProvider.TimestampFrequency))
                        : null;
                }

                await ReleaseAsync(cancellationToken);
                synchronised = true;
                since = timeProvider.GetUtcNow();
                detail = null;
            }
            else
            {
                detail = why;
                if (episode is null)
                {
                    episode = new ClockEpisode(bootId, timeProvider.GetUtcNow().UtcTicks, WallMinusMonotonicTicks());
                    since = new DateTimeOffset(episode.SinceUtcTicks, TimeSpan.Zero);
                    held ??= OpenHeld();
                    ClockEpisodeFile.Write(episodePath, episode);
                    Log.Unsynchronised(logger, why);
                }
            }
        }
        finally
        {
            gate.Release();
        }

        return synchronised;
    }

    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) =>
        AppendAsync(readings, ReadOnlyMemory<byte>.Empty, AppendDurability.Synced, cancellationToken);

    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, AppendDurability durability, CancellationToken cancellationToken = default) =>
        AppendAsync(readings, ReadOnlyMemory<byte>.Empty, durability, cancellationToken);

    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, CancellationToken cancellationToken = default) =>
        AppendAsync(readings, deliveryNote, AppendDurability.Synced, cancellationToken);

    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, AppendDurability durability, CancellationToken cancellationToken = default)
    {
        if (!synchronised)
        {
            return AppendWhileUnsynchronisedAsync(readings, deliveryNote, durability, cancellationToken);
        }

        if (lateStamps is { } late)
        {
            if (timeProvider.GetTimestamp() > late.UntilTimestamp)
            {
                lateStamps = null;
            }
            else
            {
                readings = late.Correct(readings);
            }
        }

        return buffer.AppendAsync(readings, deliveryNote, durability, cancellationToken);
    }

    public ClockStatus GetClockStatus()
    {
        var holding = held;
        long heldReadings = 0;
        if (holding is not null)
        {
            try
            {
                heldReadings = holding.GetStatistics().Consumers.FirstOrDefault(c => c.Name == ReleaseConsumer)?.UnsentReadings ?? 0;
            }
            catch (ObjectDisposedException)
            {
                // Released meanwhile: nothing is held any more.
            }
        }

        return new ClockStatus(synchronised, since, heldReadings, Interlocked.Read(ref setAside), detail);
    }

    public async ValueTask DisposeAsync()
    {
        if (held is not null)
        {
            await held.DisposeAsync();
        }

        gate.Dispose();
    }

    /// <remarks>
    /// The gate is held only while the readings are sorted and queued, not while they wait for their fsync, so appends
    /// of several sources still share one commit; the release waits for the held appends still in flight.
    /// </remarks>
    private async ValueTask AppendWhileUnsynchronisedAsync(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, AppendDurability durability, CancellationToken cancellationToken)
    {
        ValueTask durable;
        await gate.WaitAsync(cancellationToken);
        try
        {
            durable = QueueWhileUnsynchronised(readings, deliveryNote, durability, cancellationToken);
        }
        finally
        {
            gate.Release();
        }

        await durable;
    }

    /// <summary>Under the gate: queues the readings where they belong; the task completes once they are durable.</summary>
    private ValueTask QueueWhileUnsynchronised(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, AppendDurability durability, CancellationToken cancellationToken)
    {
        if (synchronised)
        {
            // Waited for the release: a reading stamped just before the step is still corrected.
            return AppendAsync(readings, deliveryNote, durability, cancellationToken);
        }

        if (episode is null || held is null)
        {
            return buffer.AppendAsync(readings, deliveryNote, durability, cancellationToken);
        }

        var stale = new StaleSpan(episode.SinceUtcTicks, (timeProvider.GetUtcNow() + AheadTolerance).UtcTicks, 0, 0);
        var (stamped, own) = stale.Partition(readings);
        if (stamped.IsEmpty)
        {
            return buffer.AppendAsync(readings, deliveryNote, durability, cancellationToken);
        }

        if (own.IsEmpty)
        {
            return new ValueTask(TrackHeld(held.AppendAsync(readings, deliveryNote, durability, cancellationToken)));
        }

        var ownDurable = buffer.AppendAsync(own, durability, cancellationToken).AsTask();
        var heldDurable = TrackHeld(held.AppendAsync(stamped, deliveryNote, durability, cancellationToken));
        return new ValueTask(Task.WhenAll(ownDurable, heldDurable));
    }

    /// <summary>Under the gate: remembers a held append until it is durable, for the release to wait for.</summary>
    private Task TrackHeld(ValueTask append)
    {
        var task = append.AsTask();
        heldInFlight.RemoveAll(static done => done.IsCompleted);
        heldInFlight.Add(task);
        return task;
    }

    /// <summary>Under the gate: waits until every held append queued so far is durable (or failed, which its appender hears).</summary>
    private async Task WaitForHeldAppendsAsync()
    {
        await Task.WhenAll(heldInFlight).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        heldInFlight.Clear();
    }

    /// <summary>Under the gate: corrects the held readings into the main buffer, then deletes the held buffer.</summary>
    private async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (held is null || episode?.CorrectionTicks is not { } correctionTicks)
        {
            return;
        }

        var correction = TimeSpan.FromTicks(correctionTicks);
        await WaitForHeldAppendsAsync();
        var released = await DrainHeldAsync(
            async readings =>
            {
                for (var i = 0; i < readings.Length; i++)
                {
                    readings[i] = readings[i] with { Timestamp = readings[i].Timestamp + correction };
                }

                await buffer.AppendAsync(readings, cancellationToken);
            },
            cancellationToken);
        Log.Released(logger, released, correction);
        await DeleteHeldAsync();
    }

    /// <summary>Under the gate or before sources start: writes what another boot held to the set-aside file, then deletes the held buffer.</summary>
    private async Task SetAsideAsync(CancellationToken cancellationToken)
    {
        var file = new DeadLetterFile(settings.SetAsideFile, settings.SetAsideMaxBytes, timeProvider);
        var encoder = new LineProtocolEncoder(catalog);
        var output = new LineProtocolBuffer();
        var moved = await DrainHeldAsync(
            async readings =>
            {
                for (var i = 0; i < readings.Length; i++)
                {
                    readings[i] = readings[i] with { Quality = Quality.ClockUnsynced };
                }

                output.Clear();
                encoder.Encode(readings, output);
                foreach (var unencodable in output.Unencodable)
                {
                    Log.Unencodable(logger, unencodable.Series, unencodable.Reason);
                }

                await file.AppendAsync([new DeadLetter(output.Written.ToArray(), "taken in an earlier boot before the clock was synchronised: the time is that clock's and cannot be corrected", readings.Length)], cancellationToken);
                Interlocked.Add(ref setAside, readings.Length);
            },
            cancellationToken);
        Log.SetAside(logger, moved, settings.SetAsideFile);
        await DeleteHeldAsync();
    }

    private async Task<long> DrainHeldAsync(Func<Reading[], Task> deliver, CancellationToken cancellationToken)
    {
        var consumer = held!.OpenConsumer(ReleaseConsumer);
        long moved = 0;
        while (held.GetStatistics().Consumers.First(c => c.Name == ReleaseConsumer).UnsentReadings > 0)
        {
            var batch = await consumer.ReadAsync(512, TimeSpan.Zero, cancellationToken);
            await deliver(batch.Readings.ToArray());
            await consumer.AcknowledgeAsync(batch, cancellationToken);
            moved += batch.Readings.Length;
        }

        return moved;
    }

    /// <summary>Deletes the held buffer, its episode file last: what is left after a stop midway is found and handled again.</summary>
    private async Task DeleteHeldAsync()
    {
        if (held is not null)
        {
            await held.DisposeAsync();
            held = null;
        }

        episode = null;
        var directory = settings.HeldBuffer.Directory;
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Where(p => p != episodePath).ToList())
        {
            File.Delete(path);
        }

        File.Delete(episodePath);
        Directory.Delete(directory, recursive: true);
    }

    private IDurableBuffer OpenHeld()
    {
        var held = DurableBuffer.Open(settings.HeldBuffer, catalog, timeProvider, logger);
        held.OpenConsumer(ReleaseConsumer);
        return held;
    }

    private long WallMinusMonotonicTicks() => timeProvider.GetUtcNow().UtcTicks - timeProvider.GetElapsedTime(0, timeProvider.GetTimestamp()).Ticks;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Readings are kept and held back from forwarding until the clock is synchronised: {Reason}")]
        public static partial void Unsynchronised(ILogger logger, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "The system clock is synchronised: {Count} held readings corrected by {Correction} and released for forwarding")]
        public static partial void Released(ILogger logger, long count, TimeSpan correction);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} readings were taken in an earlier boot before the clock was synchronised; their time cannot be corrected, so they were written to {File} with the quality clock-unsynced instead of being forwarded")]
        public static partial void SetAside(ILogger logger, long count, string file);

        [LoggerMessage(Level = LogLevel.Warning, Message = "A reading of {Series} set aside has no line-protocol form: {Reason}")]
        public static partial void Unencodable(ILogger logger, string series, string reason);
    }
}
