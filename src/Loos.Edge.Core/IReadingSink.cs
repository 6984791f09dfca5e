namespace Loos.Edge.Core;

/// <summary>Where sources put readings: the durable buffer.</summary>
public interface IReadingSink
{
    /// <summary>
    /// Appends <paramref name="readings"/> as one unit; the task completes only once they are on disk
    /// (fsync), so a caller may acknowledge them to its own peer. Nothing is appended when it throws.
    /// </summary>
    /// <exception cref="BufferFullException">The disk cap is reached and eviction is disabled.</exception>
    /// <exception cref="BufferAppendTooLargeException">The readings alone take more than the disk cap.</exception>
    ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="readings"/> as one unit, the task completing when <paramref name="durability"/> says:
    /// <see cref="AppendDurability.Written"/> is for readings nobody waits to acknowledge (polls, computed series), which a
    /// crash of the gateway does not lose and a power cut may (counted, see <see cref="AppendDurability"/>). A sink that
    /// cannot defer its fsync waits for it.
    /// </summary>
    /// <exception cref="BufferFullException">The disk cap is reached and eviction is disabled.</exception>
    /// <exception cref="BufferAppendTooLargeException">The readings alone take more than the disk cap.</exception>
    ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, AppendDurability durability, CancellationToken cancellationToken = default) =>
        AppendAsync(readings, cancellationToken);
}

/// <summary>What an append waits for before it completes.</summary>
public enum AppendDurability
{
    /// <summary>Fsynced: the readings survive a power cut. For a caller whose peer waits for the answer (the listener).</summary>
    Synced,

    /// <summary>
    /// Written to the file: the readings survive a crash of the gateway (the kernel's page cache keeps them) and are
    /// fsynced within <c>buffer:syncInterval</c>. A power cut may lose what was not fsynced yet; the next start says so
    /// in the log and in health (<see cref="BufferStatistics.PossibleLossAfter"/>).
    /// </summary>
    Written,
}
