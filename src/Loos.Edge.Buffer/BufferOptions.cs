using Microsoft.Extensions.Options;

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

    /// <summary>What is wrong with these options, each message naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Directory))
        {
            errors.Add("buffer:directory is required: the folder for buffer segments and checkpoints (for example /var/lib/loos-edge/buffer).");
        }

        if (SegmentBytes < MinSegmentBytes || SegmentBytes > MaxSegmentBytes)
        {
            errors.Add($"buffer:segmentBytes must be between {MinSegmentBytes} and {MaxSegmentBytes} (got {SegmentBytes}).");
        }

        if (CapBytes < 2 * SegmentBytes)
        {
            errors.Add($"buffer:capBytes must be at least 2 segments (2 × buffer:segmentBytes = {2 * SegmentBytes}), got {CapBytes}.");
        }

        if (MaxCommitDelay < TimeSpan.Zero || MaxCommitDelay > MaxCommitDelayLimit)
        {
            errors.Add($"buffer:maxCommitDelay must be between 0 and {MaxCommitDelayLimit.TotalMilliseconds} ms (got {MaxCommitDelay.TotalMilliseconds} ms).");
        }

        return errors;
    }
}

/// <summary>Runs <see cref="BufferOptions.Validate"/> when the host validates options at start.</summary>
internal sealed class BufferOptionsValidator : IValidateOptions<BufferOptions>
{
    public ValidateOptionsResult Validate(string? name, BufferOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
