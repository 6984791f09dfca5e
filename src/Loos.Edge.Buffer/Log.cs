using Microsoft.Extensions.Logging;

namespace Loos.Edge.Buffer;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Buffer segment {File} is damaged at byte offset {Offset} ({Length} bytes skipped): {Reason}. The valid records before and after it are kept.")]
    public static partial void DamagedRegion(ILogger logger, string file, long offset, long length, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Buffer segment {File}: {Count} readings refer to a series whose definition is damaged; they cannot be forwarded and are skipped.")]
    public static partial void UndefinedSeries(ILogger logger, string file, long count);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Buffer disk cap of {CapBytes} bytes reached: segment {File} was deleted with {Count} readings not yet acknowledged by every consumer ({PerConsumer}).")]
    public static partial void Evicted(ILogger logger, long capBytes, string file, long count, string perConsumer);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Buffer state file {File} is damaged ({Reason}); it is ignored.")]
    public static partial void DamagedStateFile(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "The buffer could not write to disk; the pending appends failed and were undone, and appends are refused until the disk takes writes again.")]
    public static partial void WriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Buffer segment {File}: the record at byte offset {Offset} no longer passes its CRC; its readings are skipped.")]
    public static partial void DamagedAtRead(ILogger logger, string file, long offset);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Buffer opened in {Directory}: {Segments} segments, {Readings} readings recovered, {Damaged} damaged regions skipped.")]
    public static partial void Opened(ILogger logger, string directory, int segments, long readings, int damaged);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "The buffer writes to {Directory} again.")]
    public static partial void WritesAgain(ILogger logger, string directory);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "The buffer could not write the checkpoint of consumer {Consumer}; its position is kept in memory and written with the next one (a crash meanwhile sends delivered readings again).")]
    public static partial void CheckpointFailed(ILogger logger, string consumer, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "The buffer writes its checkpoints in {Directory} again.")]
    public static partial void CheckpointsWrittenAgain(ILogger logger, string directory);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The buffer in {Directory} was not stopped cleanly and the machine restarted since (a power cut?): readings appended after {NewestOnDisk:o}, the newest on disk, may be missing (up to buffer:syncInterval, {SyncInterval}, of readings nobody waited to acknowledge). Counted in health as buffer.possible_loss_after.")]
    public static partial void PossibleLoss(ILogger logger, string directory, DateTimeOffset? newestOnDisk, TimeSpan syncInterval);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "The buffer in {Directory} was not stopped cleanly, but the machine did not restart: everything written was kept.")]
    public static partial void UncleanStopNothingLost(ILogger logger, string directory);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "The buffer could not mark its clean stop in {Directory}; the next start will say readings may be missing.")]
    public static partial void StopNotMarked(ILogger logger, string directory, Exception exception);
}
