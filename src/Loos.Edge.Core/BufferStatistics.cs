namespace Loos.Edge.Core;

/// <summary>What the buffer holds, for the health endpoint and <c>loos-edge buffer status</c>.</summary>
/// <param name="Consumers">Per consumer: what it has not acknowledged yet.</param>
/// <param name="BytesOnDisk">All segment bytes, sent or not.</param>
/// <param name="Segments">How many segment files exist.</param>
/// <param name="CapBytes">The disk cap.</param>
/// <param name="EvictedReadings">Readings deleted by the disk cap before every consumer had them, since the buffer was created.</param>
/// <param name="DamagedRegions">Damaged records skipped at recovery since the process started.</param>
/// <param name="DiskError">Why the buffer cannot write to its disk (full, read-only, failing) while that lasts; null once
/// it writes again.</param>
/// <param name="AcceptedReadings">Readings appended (written to a segment) since the buffer was opened.</param>
/// <param name="AppendedBytes">Segment bytes appended since the buffer was opened (readings, series definitions, delivery notes).</param>
/// <param name="PossibleLossAfter">Set when the previous run ended without a clean stop and the machine restarted
/// meanwhile (a power cut) while readings were fsynced every <c>buffer:syncInterval</c>: readings appended after this
/// time (the newest on disk) may be missing. Null after a clean stop, a crash of the gateway alone (the page cache kept
/// its writes) or with every append fsynced.</param>
/// <param name="PossibleLossStops">Such stops since the buffer was created.</param>
public sealed record BufferStatistics(
    IReadOnlyList<ConsumerStatistics> Consumers,
    long BytesOnDisk,
    int Segments,
    long CapBytes,
    long EvictedReadings,
    int DamagedRegions,
    string? DiskError = null,
    long AcceptedReadings = 0,
    long AppendedBytes = 0,
    DateTimeOffset? PossibleLossAfter = null,
    long PossibleLossStops = 0);

/// <param name="Name">The consumer (forwarding target) name.</param>
/// <param name="Position">Its checkpointed position.</param>
/// <param name="UnsentReadings">Readings after its position.</param>
/// <param name="UnsentBytes">Segment bytes after its position.</param>
/// <param name="OldestUnsentTimestamp">The timestamp of the first reading after its position, if any.</param>
public sealed record ConsumerStatistics(
    string Name,
    BufferPosition Position,
    long UnsentReadings,
    long UnsentBytes,
    DateTimeOffset? OldestUnsentTimestamp);

/// <summary>Reads the buffer's statistics.</summary>
public interface IBufferMonitor
{
    BufferStatistics GetStatistics();
}
