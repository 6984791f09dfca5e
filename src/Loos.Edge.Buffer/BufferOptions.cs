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
    /// Whether the oldest segments are deleted (counted and logged) when the cap is reached; when false, appends
    /// throw <see cref="Core.BufferFullException"/> instead. Default true.
    /// </summary>
    public bool EvictWhenFull { get; set; } = true;
}
