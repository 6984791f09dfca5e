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
}
