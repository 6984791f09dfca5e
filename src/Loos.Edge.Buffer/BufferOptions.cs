namespace Loos.Edge.Buffer;

/// <summary>Settings of the durable buffer, bound from the configuration section <c>buffer</c>.</summary>
public sealed class BufferOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "buffer";

    /// <summary>The smallest segment: one 4 KiB file-system block (the ext4 default block size).</summary>
    public const long MinSegmentBytes = 4096;

    /// <summary>The largest segment, 1 GiB: a whole segment is read into memory at recovery.</summary>
    public const long MaxSegmentBytes = 1L << 30;

    /// <summary>The longest commit delay: appends must be durable quickly for sources that acknowledge their peers.</summary>
    public static readonly TimeSpan MaxCommitDelayLimit = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest sync interval: what a power cut may cost stays bounded.</summary>
    public static readonly TimeSpan MaxSyncInterval = TimeSpan.FromMinutes(10);

    /// <summary>The folder holding segments and checkpoints, created if missing. Required.</summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>The most bytes all segments together may take. Default 1 GiB; at least two segments.</summary>
    public long CapBytes { get; set; } = 1L << 30;

    /// <summary>
    /// The size at which a new segment is started. Default 16 MiB; between 4 KiB and 1 GiB. An append larger than this
    /// gets a segment of its own that may exceed it.
    /// </summary>
    public long SegmentBytes { get; set; } = 16L << 20;

    /// <summary>How long an append may wait for others to share its fsync. Default 10 ms; between 0 and 50 ms.</summary>
    public TimeSpan MaxCommitDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long readings appended without waiting for their fsync (<see cref="Core.AppendDurability.Written"/>: polls,
    /// MQTT messages, computed series) may stay unsynchronised: they are written to the segment at once, so a crash of
    /// the gateway loses none, and fsynced at most this long after. A power cut may lose this much of them; the next
    /// start counts it (<see cref="Core.BufferStatistics.PossibleLossAfter"/>). Default 30 s: each fsync commits the
    /// file system's journal, but ext4 commits it every 5 s anyway while readings arrive (its default commit=5), so a
    /// longer one spares an SD card little unless the file system commits less often (README, SD-card endurance). Zero
    /// fsyncs every append, as for the listener, whose appends are always fsynced before it answers. At most
    /// <see cref="MaxSyncInterval"/>.
    /// </summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest checkpoint interval: what a restart after a crash sends again stays bounded.</summary>
    public static readonly TimeSpan MaxCheckpointInterval = TimeSpan.FromHours(1);

    /// <summary>
    /// How often at most a consumer's position (a forwarding target's, the rollups', …) is written to its checkpoint
    /// file after it acknowledges, and the self-metrics' totals to theirs; always at a clean stop. Default 5 min: each
    /// write is a file replaced and fsynced, a 4 KiB page of the SD card and a journal commit. After a crash or power
    /// cut a consumer starts again from its checkpoint, so a target receives again up to this much of what it already
    /// has (InfluxDB keeps one point per series and time: the same point written twice is stored once), and the
    /// self-metrics' counters continue from totals up to this old. Zero writes at every acknowledgement. At most
    /// <see cref="MaxCheckpointInterval"/>.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether the oldest segments are deleted (counted and logged) when the cap is reached; when false, appends
    /// throw <see cref="Core.BufferFullException"/> instead. Default true.
    /// </summary>
    public bool EvictWhenFull { get; set; } = true;

    /// <summary>The boot the buffer runs in, told apart from the previous run's at start; the kernel's unless a test sets it.</summary>
    internal Guid? BootId { get; set; }
}
