using Loos.Edge.Core;

namespace Loos.Edge.Buffer;

/// <summary>Checks <see cref="BufferOptions"/>, each problem with its key.</summary>
public static class BufferOptionsValidator
{
    /// <summary>Every problem of <paramref name="options"/>; empty when valid.</summary>
    public static ConfigurationProblems Check(BufferOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new ConfigurationProblems();
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            problems.Add("buffer:directory", "is required: the folder for buffer segments and checkpoints (for example /var/lib/loos-edge/buffer).");
        }

        if (options.SegmentBytes < BufferOptions.MinSegmentBytes || options.SegmentBytes > BufferOptions.MaxSegmentBytes)
        {
            problems.Add("buffer:segmentBytes", $"must be between {BufferOptions.MinSegmentBytes} and {BufferOptions.MaxSegmentBytes} (got {options.SegmentBytes}).");
        }

        if (options.CapBytes < 2 * options.SegmentBytes)
        {
            problems.Add("buffer:capBytes", $"must be at least 2 segments (2 × buffer:segmentBytes = {2 * options.SegmentBytes}), got {options.CapBytes}.");
        }

        if (options.MaxCommitDelay < TimeSpan.Zero || options.MaxCommitDelay > BufferOptions.MaxCommitDelayLimit)
        {
            problems.Add("buffer:maxCommitDelay", $"must be between 0 and {BufferOptions.MaxCommitDelayLimit.TotalMilliseconds} ms (got {options.MaxCommitDelay.TotalMilliseconds} ms).");
        }

        if (options.SyncInterval < TimeSpan.Zero || options.SyncInterval > BufferOptions.MaxSyncInterval)
        {
            problems.Add("buffer:syncInterval", $"must be between 0 and {BufferOptions.MaxSyncInterval} (got {options.SyncInterval}).");
        }

        if (options.CheckpointInterval < TimeSpan.Zero || options.CheckpointInterval > BufferOptions.MaxCheckpointInterval)
        {
            problems.Add("buffer:checkpointInterval", $"must be between 0 and {BufferOptions.MaxCheckpointInterval} (got {options.CheckpointInterval}).");
        }

        return problems;
    }
}
